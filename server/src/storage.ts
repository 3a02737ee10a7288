/**
 * The storage port: repositories whose methods are whole use-cases and own their transactions.
 * SQLite implements it in db/; a PostgreSQL adapter would implement the same interfaces.
 */
export interface Storage {
  /** Closes the underlying connection. */
  close(): void;
}
