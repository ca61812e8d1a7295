/** CPU time this process has used so far (user + system, all threads), in microseconds. */
export function cpuMicros(): number {
  const { user, system } = process.cpuUsage();
  return user + system;
}
