// Sums the static checks' results and vitest's JSON reports into the one line CI reads:
// "N passed, N failed". A suite that failed outside any test (setup crashed, a file would not
// load, no report written) still counts as a failure, so a broken run can never print "0 failed".
import fs from 'node:fs';

const [failedRuns, staticPassed, staticFailed, ...reports] = process.argv.slice(2);
let testsPassed = 0;
let testsFailed = 0;
let unreadable = 0;
for (const file of reports) {
  try {
    const report = JSON.parse(fs.readFileSync(file, 'utf8'));
    testsPassed += report.numPassedTests;
    testsFailed += report.numFailedTests;
  } catch {
    unreadable += 1;
  }
}
const brokenRuns = Math.max(Number(failedRuns), unreadable);
if (brokenRuns > 0 && testsFailed === 0) testsFailed = brokenRuns;
const passed = testsPassed + Number(staticPassed);
const failed = testsFailed + Number(staticFailed);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
