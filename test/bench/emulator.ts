// A bench child: the Stripe emulator in a process of its own (the app's payment intents call it; its CPU is
// neither the app's nor autocannon's). Prints one JSON line (URL and an account's test keys), then serves.
import { startStripeEmulator } from '../../emulator/src/index';

const emu = await startStripeEmulator({ port: 0 });
const account = emu.createAccount('Bench Shop');
// The app registers its webhook endpoint at a PUBLIC_URL nobody serves here: no deliveries, which would only
// retry and add load that is not the request being measured.
emu.webhooks.pause();
// The request log is for tests; a bench run sends tens of thousands of requests.
setInterval(() => void (emu.requests.length = 0), 1000).unref();
process.stdout.write(`${JSON.stringify({ url: emu.url, keys: account.keys.test })}\n`);
process.on('SIGTERM', () => void emu.close().then(() => process.exit(0)));
