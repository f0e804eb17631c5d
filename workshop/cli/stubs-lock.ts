import { MANIFEST, writeManifest } from '../reset.ts';
import { runCli } from './run-cli.ts';

/** For maintainers: after changing a stub, record its blob id so `npm run reset` restores it. */
runCli(async () => {
  const manifest = writeManifest();
  console.log(`${MANIFEST}: ${Object.keys(manifest.stubs).length} stubs recorded. Commit it together with the stubs.`);
});
