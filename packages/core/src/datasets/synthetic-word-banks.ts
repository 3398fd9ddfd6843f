/** One product category of the synthetic catalogue (our own wording). */
export interface CategoryBank {
  readonly name: string;
  readonly nouns: readonly string[];
  readonly adjectives: readonly string[];
  readonly brands: readonly string[];
  readonly uses: readonly string[];
  readonly materials: readonly string[];
  readonly features: readonly string[];
}

/** Word banks of the synthetic generator: 12 categories; more categories reuse them with a numbered name. */
export const SYNTHETIC_WORD_BANKS: readonly CategoryBank[] = [
  { name: 'Acoustic Guitars', nouns: ['guitar', 'travel guitar', 'parlor guitar', 'twelve-string guitar'], adjectives: ['warm', 'bright', 'solid-top', 'compact'], brands: ['Harlow', 'Brightwood', 'Caldera'], uses: ['campfire songs', 'fingerstyle practice', 'small gigs'], materials: ['spruce', 'mahogany', 'cedar'], features: ['the low action', 'the rich bass', 'the tuning stability'] },
  { name: 'Guitar Strings', nouns: ['string set', 'nylon strings', 'bass strings', 'coated strings'], adjectives: ['light-gauge', 'long-life', 'bright', 'smooth'], brands: ['Wirecraft', 'Tonewell', 'Silverline'], uses: ['daily practice', 'studio sessions', 'restringing before a show'], materials: ['phosphor bronze', 'nickel', 'nylon'], features: ['the crisp tone', 'the feel under the fingers', 'how long they stay in tune'] },
  { name: 'Effects Pedals', nouns: ['overdrive pedal', 'delay pedal', 'reverb pedal', 'looper'], adjectives: ['true-bypass', 'vintage', 'boutique', 'compact'], brands: ['Voltspring', 'Echo Harbor', 'Fuzzworks'], uses: ['live rigs', 'home recording', 'building a pedalboard'], materials: ['die-cast aluminium', 'steel', 'zinc alloy'], features: ['the noise floor', 'the tone knob range', 'the sturdy footswitch'] },
  { name: 'Drums & Percussion', nouns: ['snare drum', 'cajon', 'drum sticks', 'tambourine'], adjectives: ['punchy', 'hand-tuned', 'maple', 'resonant'], brands: ['Rimshot', 'Thunderhide', 'Kettle & Co'], uses: ['rehearsals', 'acoustic sets', 'drum lessons'], materials: ['maple', 'birch', 'hickory'], features: ['the attack', 'the rebound', 'the solid hardware'] },
  { name: 'Keyboards & Pianos', nouns: ['digital piano', 'MIDI keyboard', 'synthesizer', 'sustain pedal'], adjectives: ['weighted', 'portable', 'eighty-eight-key', 'polyphonic'], brands: ['Keystone', 'Ivoryline', 'Modulus'], uses: ['piano practice', 'music production', 'teaching beginners'], materials: ['plastic', 'steel frame', 'wood'], features: ['the key action', 'the built-in sounds', 'the USB connection'] },
  { name: 'Microphones', nouns: ['condenser microphone', 'dynamic microphone', 'pop filter', 'mic stand'], adjectives: ['cardioid', 'low-noise', 'studio-grade', 'rugged'], brands: ['Clearvoice', 'Sonora', 'Mikron'], uses: ['podcasting', 'vocal recording', 'live vocals'], materials: ['brass', 'steel mesh', 'aluminium'], features: ['the clarity', 'the off-axis rejection', 'the included clip'] },
  { name: 'Amplifiers', nouns: ['practice amp', 'tube amp', 'bass amp', 'headphone amp'], adjectives: ['loud', 'clean', 'tube-driven', 'lightweight'], brands: ['Ampere', 'Stackhouse', 'Glowtube'], uses: ['bedroom practice', 'band rehearsal', 'small venues'], materials: ['plywood cabinet', 'tolex', 'steel grille'], features: ['the clean headroom', 'the built-in effects', 'the speaker'] },
  { name: 'Studio Recording', nouns: ['audio interface', 'studio monitors', 'headphones', 'acoustic panels'], adjectives: ['flat-response', 'low-latency', 'closed-back', 'professional'], brands: ['Signalpath', 'Roomtone', 'Decibel Lab'], uses: ['mixing', 'home studio recording', 'mastering'], materials: ['foam', 'aluminium', 'fabric'], features: ['the preamps', 'the stereo image', 'the driver software'] },
  { name: 'Violins & Strings', nouns: ['violin', 'viola', 'cello bow', 'rosin'], adjectives: ['hand-carved', 'student', 'concert', 'aged'], brands: ['Cremona Hill', 'Bowmark', 'Stradline'], uses: ['orchestra practice', 'lessons', 'chamber music'], materials: ['spruce', 'ebony', 'horsehair'], features: ['the projection', 'the bow grip', 'the varnish'] },
  { name: 'Wind Instruments', nouns: ['flute', 'alto saxophone', 'clarinet reeds', 'trumpet mouthpiece'], adjectives: ['silver-plated', 'intermediate', 'lacquered', 'responsive'], brands: ['Breathwell', 'Brassfield', 'Reedmaster'], uses: ['marching band', 'jazz combos', 'school band'], materials: ['brass', 'cane', 'nickel silver'], features: ['the intonation', 'the key work', 'the carrying case'] },
  { name: 'Cables & Accessories', nouns: ['instrument cable', 'patch cable', 'guitar strap', 'capo'], adjectives: ['braided', 'shielded', 'padded', 'quick-release'], brands: ['Linkwire', 'Strapsmith', 'Cordova'], uses: ['gigging', 'tidying a pedalboard', 'long rehearsals'], materials: ['copper', 'leather', 'nylon webbing'], features: ['the connectors', 'the length', 'the build quality'] },
  { name: 'Stands & Cases', nouns: ['guitar stand', 'hard case', 'gig bag', 'keyboard stand'], adjectives: ['foldable', 'padded', 'heavy-duty', 'lockable'], brands: ['Cradle', 'Roadsafe', 'Holdfast'], uses: ['touring', 'storing gear at home', 'carrying to lessons'], materials: ['steel', 'plywood', 'ballistic nylon'], features: ['the latches', 'the padding', 'the stability'] },
];

export const POSITIVE_OPENERS = ['Really happy with this', 'Great value for a', 'Exactly what I wanted from a', 'Impressed by this'] as const;
export const NEGATIVE_OPENERS = ['Disappointed with this', 'Not great for a', 'Expected more from this', 'Returned this'] as const;
export const POSITIVE_VERDICTS = ['is excellent', 'exceeded my expectations', 'works perfectly', 'feels premium'] as const;
export const NEGATIVE_VERDICTS = ['is underwhelming', 'broke down quickly', 'feels cheap', 'did not live up to the description'] as const;
