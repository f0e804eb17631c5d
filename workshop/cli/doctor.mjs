// `npm run doctor`: is this laptop ready? The first checks need nothing installed; the rest
// (broker paths, port, a round trip through Kafka) run in TypeScript once npm install is done.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fs from 'node:fs';
import { installLine, nodeLine } from '../doctor/preflight.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const engines = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).engines?.node ?? '>=20.19';
const first = [nodeLine(process.versions.node, engines), installLine(root)];
const header = ['🩺 Workshop doctor: is this laptop ready?', '', ...first.map(({ text }) => text)];
if (first.some(({ ok }) => !ok)) {
  header.forEach((text) => console.log(text));
  console.log('\n❌ Fix the lines above first, then run npm run doctor again: the broker checks need them.');
  process.exit(1);
}
await (await import('../platform/typescript-import.mjs')).registerTypeScript();
const { runDoctor } = await import('../doctor/doctor.ts');
runDoctor(header);
