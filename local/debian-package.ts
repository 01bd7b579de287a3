import { spawnSync } from "node:child_process";

export const isRoot = (): boolean => process.getuid?.() === 0;

export const hasCommand = (command: string): boolean =>
  spawnSync("sh", ["-c", `command -v "$1"`, "sh", command], { stdio: "ignore" }).status === 0;

const aptGet = (...args: string[]) =>
  spawnSync("apt-get", args, {
    encoding: "utf8",
    env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
  });

/**
 * Makes `command` available by installing the Debian package that ships it. The package lists
 * are refreshed only when the first attempt cannot find the package, so a machine whose lists
 * are current installs without touching the network twice.
 * @returns whether anything was installed
 */
export const ensureDebianPackage = (command: string, debianPackage: string): boolean => {
  if (hasCommand(command)) return false;
  const howTo = `sudo apt-get update && sudo apt-get install -y ${debianPackage}`;
  if (!isRoot()) throw new Error(`\`${command}\` is not installed. Install it with:\n  ${howTo}\nand try again.`);
  if (!hasCommand("apt-get")) throw new Error(`\`${command}\` is not installed, and there is no apt-get here to install it: install the package that provides it.`);
  let install = aptGet("install", "-y", "--no-install-recommends", debianPackage);
  if (install.status !== 0) {
    const update = aptGet("update");
    if (update.status !== 0) throw new Error(`apt-get update failed while installing ${debianPackage}:\n${update.stderr}`);
    install = aptGet("install", "-y", "--no-install-recommends", debianPackage);
  }
  if (install.status !== 0 || !hasCommand(command)) {
    throw new Error(`apt-get install ${debianPackage} failed, so \`${command}\` is still missing:\n${install.stderr}`);
  }
  return true;
};
