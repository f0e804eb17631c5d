/**
 * How the live programs print. console.log writes each line with a system call of its own; at
 * a thousand transactions a second those writes were the monitor's biggest cost (measured with
 * `npm run bench -- demo --profile`). Here the lines printed in one turn of the event loop (a
 * batch of messages from kafkajs, say) leave in one write, in the order they were printed.
 */
let corked = false;

export function print(line = ''): void {
  if (!corked) {
    corked = true;
    process.stdout.cork();
    process.nextTick(() => {
      corked = false;
      process.stdout.uncork();
    });
  }
  process.stdout.write(`${line}\n`);
}
