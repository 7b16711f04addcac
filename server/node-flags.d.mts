export declare const RELAY_NODE_FLAGS: readonly string[]
export declare const RELAY_NODE_ARGS: readonly string[]
