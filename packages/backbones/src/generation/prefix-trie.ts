/** The trie lives in core (the Backbone contract's constrained search takes it); re-exported for existing imports. */
export { PrefixTrie } from '@ed2/core';
