"""Entry of the `torch` backbone worker: `python -m ed2_torch_worker` (or under torchrun, one process per rank).

Rank 0 reads requests from stdin and writes responses to stdout (see protocol.py); under torchrun every request
is broadcast to all ranks, `nll` batches are split by rank and their gradients all-reduced (summed), so N workers
with batch B compute what one worker computes with the same batch. The worker exits on stdin EOF, on `shutdown`,
and (Linux) when its parent dies (PR_SET_PDEATHSIG), so a killed TypeScript side leaves no process behind.
"""
import os
import platform
import sys
import time
import traceback

from .protocol import PROTOCOL_VERSION, from_wire, read_frame, to_wire, write_frame


# ED2_TORCH_PROFILE=1: per-op call counts and seconds on stderr at exit (where a step's time goes)
PROFILE = {} if os.environ.get("ED2_TORCH_PROFILE") == "1" else None


def _print_profile():
    if PROFILE is not None and PROFILE:
        print("ed2_torch_worker profile: " + ", ".join(f"{k} {n}x {t:.3f}s" for k, (n, t) in sorted(PROFILE.items(), key=lambda kv: -kv[1][1])), file=sys.stderr, flush=True)
        PROFILE.clear()


def _die_with_parent():
    if sys.platform.startswith("linux"):
        try:
            import ctypes
            import signal

            ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
        except OSError:
            pass


def _opt(t):
    return None if t is None else from_wire(t)


class Worker:
    def __init__(self, out, dist):
        import torch

        self.torch = torch
        self.out = out
        self.dist = dist
        self.rank = dist.get_rank() if dist else 0
        self.world = dist.get_world_size() if dist else 1
        self.engine = None
        self.engines = {}
        self.next_engine = 1
        if torch.cuda.is_available():
            local = int(os.environ.get("LOCAL_RANK", "0"))
            self.device = torch.device("cuda", local)
            torch.cuda.set_device(self.device)
        else:
            self.device = torch.device("cpu")

    def hello(self):
        import peft
        import torch
        import transformers

        return {
            "protocol": PROTOCOL_VERSION, "python": platform.python_version(), "torch": torch.__version__,
            "transformers": transformers.__version__, "peft": peft.__version__, "device": str(self.device),
            "cuda": torch.cuda.is_available(), "cudaDevices": [torch.cuda.get_device_name(i) for i in range(torch.cuda.device_count())],
            "worldSize": self.world, "pid": os.getpid(),
        }

    # each op returns the response's result (rank 0's is sent)
    def op_init(self, a):
        from .engine import Engine

        if a.get("threads"):
            self.torch.set_num_threads(int(a["threads"]))
        self.engine = Engine(a, self.device, self.dist)
        eid = self.next_engine
        self.next_engine += 1
        self.engines[eid] = self.engine
        d = self.engine.describe()
        print(f"ed2_torch_worker[{os.getpid()}] rank {self.rank}/{self.world}: model {eid} ready on {self.device} ({d['total']} parameters, {sum(p.numel() for _, p in self.engine.trainable)} trainable)", file=sys.stderr, flush=True)
        return {**d, "engine": eid, "values": [to_wire(v) for v in self.engine.get_params()]}

    def op_release(self, a):  # one process serves several backbones (TypeScript shares it); each releases its own
        self.engines.pop(a["engine"], None)
        _print_profile()
        return {"engines": len(self.engines)}

    def op_set_params(self, a):
        self.engine.set_params([from_wire(v) for v in a["values"]])
        return {}

    def op_get_params(self, a):
        return {"values": [to_wire(v) for v in self.engine.get_params()]}

    def op_nll(self, a):
        seqs, plen = a["seqs"], a["promptLens"]
        mine = list(range(self.rank, len(seqs), self.world))
        s, n, h = self.engine.nll([seqs[i] for i in mine], [plen[i] for i in mine], _opt(a.get("rows")), self._positions(a, mine), _opt(a.get("delta")), a.get("training", False), a.get("grad", False))
        if self.dist:
            t = self.torch.tensor([s, float(n)], dtype=self.torch.float64, device=self.device)
            self.dist.all_reduce(t)
            s, n = float(t[0]), int(t[1])
        return {"sum": s, "tokens": n, "handle": h}

    def _positions(self, a, mine):
        """Mix positions re-numbered to this rank's samples (P rows of delta keep their order)."""
        if a.get("delta") is None:
            return None
        where = {i: k for k, i in enumerate(mine)}
        return [(where[s], p) if s in where else (0, 1 << 30) for s, p in a["positions"]]

    def op_backward(self, a):
        sharded = str(a["handle"]).startswith("n")
        if self.engine.fsdp:  # every rank ran the forward; an unsplit one counts 1/N on each, summed back to 1
            grads = self.engine.backward(a["handle"], from_wire(a["dy"]), 1.0 if sharded else 1.0 / self.world)
            return {"grads": [to_wire(g) for g in grads]} if self.rank == 0 else {}
        if self.rank != 0 and not sharded:
            return {}
        grads = self.engine.backward(a["handle"], from_wire(a["dy"]))
        if sharded and self.dist:
            ts = [self.torch.from_numpy(g.copy()).to(self.device) for g in grads]
            for t in ts:
                self.dist.all_reduce(t)
            grads = [t.cpu().numpy() for t in ts]
        return {"grads": [to_wire(g) for g in grads]} if self.rank == 0 else {}

    def _solo(self):
        """Ops only rank 0 computes, except under FSDP, where every rank takes part in each layer's all-gather."""
        return self.rank != 0 and not self.engine.fsdp

    def op_pooled(self, a):
        if self._solo():
            return {}
        out, h = self.engine.pooled(a["seqs"], _opt(a.get("rows")), a.get("positions"), _opt(a.get("delta")), a.get("training", False), a.get("grad", False))
        return {"pooled": to_wire(out), "handle": h}

    def op_logits(self, a):
        if self._solo():
            return {}
        out = self.engine.logits(a["seqs"], _opt(a.get("rows")))
        return {"logits": to_wire(out)} if self.rank == 0 else {}

    def op_decode_start(self, a):
        if self._solo():
            return {}
        out = self.engine.decode_start(a["prompts"], from_wire(a["rows"]))
        return {"logp": to_wire(out)} if self.rank == 0 else {}

    def op_decode_advance(self, a):
        if self._solo():
            return {}
        out = self.engine.decode_advance(a["parents"], a["tokens"])
        return {"logp": to_wire(out)} if self.rank == 0 else {}

    def op_decode_end(self, a):
        self.engine.decode_end()
        return {}

    def op_save_adapters(self, a):
        if self.rank == 0 or self.engine.fsdp:  # FSDP: every rank gathers the shards, rank 0 writes
            self.engine.save_adapters(a["dir"], write=self.rank == 0)
        return {}

    def op_load_adapters(self, a):
        self.engine.load_adapters(a["dir"])
        return {"values": [to_wire(v) for v in self.engine.get_params()]}

    def op_crash(self, a):  # tests: a Python exception carries its traceback to TypeScript
        raise RuntimeError(a.get("message", "requested crash"))


def main():
    _die_with_parent()
    # the protocol owns the real stdout; anything else printed (Python or C) goes to stderr
    out = os.fdopen(os.dup(1), "wb", buffering=0)
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    stdin = os.fdopen(0, "rb", buffering=0)
    dist = None
    if int(os.environ.get("WORLD_SIZE", "1")) > 1:
        import torch
        import torch.distributed as dist

        dist.init_process_group("nccl" if torch.cuda.is_available() else "gloo")
    w = Worker(out, dist)
    if w.rank == 0:
        write_frame(out, {"id": 0, "ok": True, "result": w.hello()})
    while True:
        req = read_frame(stdin) if w.rank == 0 else None
        if dist:
            box = [req]
            dist.broadcast_object_list(box, src=0)
            req = box[0]
        if req is None or req.get("op") == "shutdown":
            if w.rank == 0 and req is not None:
                write_frame(out, {"id": req["id"], "ok": True, "result": {}})
            break
        try:
            fn = getattr(w, "op_" + req["op"], None)
            if fn is None:
                raise ValueError(f"unknown op '{req['op']}'")
            args = req.get("args") or {}
            if "engine" in args and req["op"] != "release":
                if args["engine"] not in w.engines:
                    raise KeyError(f"no model {args['engine']} in this worker (released or never made)")
                w.engine = w.engines[args["engine"]]
            t0 = time.perf_counter()
            res = fn(args)
            if PROFILE is not None:
                PROFILE.setdefault(req["op"], [0, 0.0])
                PROFILE[req["op"]][0] += 1
                PROFILE[req["op"]][1] += time.perf_counter() - t0
                if sum(n for n, _ in PROFILE.values()) % 200 == 0:
                    _print_profile()
            if w.rank == 0:
                write_frame(out, {"id": req["id"], "ok": True, "result": res})
        except Exception as e:  # noqa: BLE001 — every failure goes back to the caller with its traceback
            if w.rank == 0:
                write_frame(out, {"id": req["id"], "ok": False, "error": {"type": type(e).__name__, "message": str(e), "traceback": traceback.format_exc()}})
            else:
                traceback.print_exc()
            if dist:  # the other ranks may wait in a collective this rank never reaches: end the group, not hang
                print(f"ed2_torch_worker rank {w.rank}: stopping the process group after the error above", file=sys.stderr, flush=True)
                os._exit(1)
    _print_profile()
    if dist:
        dist.destroy_process_group()
    out.close()


if __name__ == "__main__":
    main()
