// Prints the closing line that CI reads, "N passed, N failed" (jest's own summary is not recognised), and
// writes the two numbers to JEST_SUMMARY_FILE for scripts/test.sh to add its own checks.
const fs = require('fs');
class SummaryReporter {
  onRunComplete(_contexts, results) {
    const failed = results.numFailedTests + results.numRuntimeErrorTestSuites;
    if (process.env.JEST_SUMMARY_FILE) fs.writeFileSync(process.env.JEST_SUMMARY_FILE, `${results.numPassedTests} ${failed}\n`);
    else process.stdout.write(`\n${results.numPassedTests} passed, ${failed} failed\n`);
  }
}
module.exports = SummaryReporter;
