export declare const RELAY_NODE_FLAGS: readonly string[]
