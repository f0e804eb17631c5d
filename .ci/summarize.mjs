// Sums vitest JSON reports into the one line CI reads: "N passed, N failed".
// A suite that failed outside any test (setup crashed, a file would not load, no report
// written) still counts as a failure, so a broken run can never print "0 failed".
import fs from 'node:fs';

const [failedRuns, ...reports] = process.argv.slice(2);
let passed = 0;
let failed = 0;
let unreadable = 0;
for (const file of reports) {
  try {
    const report = JSON.parse(fs.readFileSync(file, 'utf8'));
    passed += report.numPassedTests;
    failed += report.numFailedTests;
  } catch {
    unreadable += 1;
  }
}
const brokenRuns = Math.max(Number(failedRuns), unreadable);
if (brokenRuns > 0 && failed === 0) failed = brokenRuns;
console.log(`${passed} passed, ${failed} failed`);
process.exit(brokenRuns > 0 || failed > 0 ? 1 : 0);
