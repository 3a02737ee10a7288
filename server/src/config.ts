/** The server's settings, read once from the environment at start (see loadConfig). */
export interface Config {
  env: 'production' | 'development' | 'test';
  port: number;
  host: string;
  /** The origin users reach the server at, without a trailing slash; used in every link it makes. */
  publicUrl: string;
  databasePath: string;
  /** Current master key (32 bytes) and older ones that may still open old boxes. */
  masterKey: Uint8Array;
  masterKeysPrevious: Uint8Array[];
  /** Accepted internal secrets; links are signed with the first. */
  internalSecrets: string[];
  stripeApiUrl: string;
  logLevel: string;
  trustProxy: boolean;
}
