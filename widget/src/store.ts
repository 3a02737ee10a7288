/** A minimal observable value (the UI state: which dialog is open, what to announce). */
export interface Store<T> {
  getState(): T;
  subscribe(listener: (state: T) => void): () => void;
  set(patch: Partial<T>): void;
}

/** Creates a store holding `initial`. */
export function createStore<T extends object>(initial: T): Store<T> {
  let state = initial;
  const listeners = new Set<(s: T) => void>();
  return {
    getState: () => state,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    set(patch) {
      state = { ...state, ...patch };
      for (const l of listeners) l(state);
    },
  };
}
