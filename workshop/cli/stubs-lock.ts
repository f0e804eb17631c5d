import { STUB_LOCK, writeStubLock } from '../reset.ts';
import { runCli } from './run-cli.ts';

/** For maintainers: after changing a stub, record its blob id so `npm run reset` restores it. */
runCli(
  {
    program: 'npm run stubs:lock',
    about:
      'For maintainers: records the blob id of every lesson stub, so npm run reset restores it. Run it after changing a stub.',
    flags: {},
  },
  async () => {
    const lock = writeStubLock();
    console.log(`${STUB_LOCK}: ${Object.keys(lock.stubs).length} stubs recorded. Commit it together with the stubs.`);
  },
);
