// How a process names itself in locks, claims and leases ("host:pid:suffix"), and how it tells
// whether a holder so named is still alive: knowable only for a process on this machine.
import { hostname } from 'node:os';

export const holderName = (uniqueSuffix: string): string =>
  `${hostname()}:${process.pid}:${uniqueSuffix.slice(-8)}`;

export function isHolderAlive(holder: string): boolean | undefined {
  const [host, pid] = holder.split(':');
  if (host !== hostname() || pid === undefined || !/^\d+$/.test(pid)) return undefined;
  if (Number(pid) === process.pid) return true;
  try {
    process.kill(Number(pid), 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH' ? false : undefined;
  }
}
