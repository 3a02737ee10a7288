// `npm run keygen`: prints a new master key (base64 of 32 random bytes) for MASTER_KEY.
import { generateMasterKey } from '../config';

process.stdout.write(`${generateMasterKey()}\n`);
