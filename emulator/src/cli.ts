// `npm run stripe-emulator [-- --port N]`: starts the emulator (port from --port, PORT, or 12111), creates a ready
// test account and prints the URL and its keys, then runs until interrupted.
import { startStripeEmulator } from './index';

function readPort(argv: string[]): number {
  const flag = argv.findIndex((arg) => arg === '--port' || arg.startsWith('--port='));
  const raw = flag < 0 ? process.env.PORT : argv[flag].includes('=') ? argv[flag].split('=')[1] : argv[flag + 1];
  const port = Number(raw ?? 12111);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`stripe-emulator: invalid port ${String(raw)}`);
    process.exit(2);
  }
  return port;
}

const emu = await startStripeEmulator({ port: readPort(process.argv.slice(2)) });
const account = emu.createAccount('Demo Shop');
console.log(`Stripe emulator listening on ${emu.url}`);
console.log(`STRIPE_API_URL=${emu.url}`);
console.log(`account          ${account.id}`);
console.log(`test publishable ${account.keys.test.publishable}`);
console.log(`test secret      ${account.keys.test.secret}`);
console.log(`live publishable ${account.keys.live.publishable}`);
console.log(`live secret      ${account.keys.live.secret}`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    void emu.close().then(() => process.exit(0));
  });
}
