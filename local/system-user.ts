import { spawnSync } from "node:child_process";

const userExists = (name: string): boolean => spawnSync("id", ["-u", name], { stdio: "ignore" }).status === 0;

/** Creates a locked system account with no home and no login shell, for a server that must not run as root. */
export const ensureSystemUser = (name: string): void => {
  if (userExists(name)) return;
  const add = spawnSync("useradd", ["--system", "--no-create-home", "--home-dir", "/nonexistent", "--shell", "/usr/sbin/nologin", name], { encoding: "utf8" });
  // Another process may have created it in the meantime.
  if (add.status !== 0 && !userExists(name)) throw new Error(`Could not create the system user ${name}: ${add.stderr}`);
};

export const chownTree = (path: string, user: string): void => {
  const out = spawnSync("chown", ["-R", `${user}:${user}`, path], { encoding: "utf8" });
  if (out.status !== 0) throw new Error(`chown -R ${user} ${path} failed: ${out.stderr}`);
};

/** Whether `user` can write `dir`: every parent folder must let it through, which a private home does not. */
export const userCanWrite = (user: string, dir: string): boolean =>
  spawnSync("runuser", ["-u", user, "--", "test", "-w", dir], { stdio: "ignore" }).status === 0;
