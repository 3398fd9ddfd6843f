import 'reflect-metadata';
// Until the backend selector lands: gradients + the pure-JS cpu backend.
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-backend-cpu';
