import { spawnSync } from "node:child_process";

/** Fails with a message a newcomer can act on when no Java runtime is on the PATH. */
export const requireJava = (forWhat: string): void => {
  const probe = spawnSync("java", ["-version"], { encoding: "utf8" });
  if (probe.error || probe.status !== 0) {
    throw new Error(
      `${forWhat} needs a Java runtime (17 or newer), and \`java\` was not found on the PATH. ` +
        "Install one (for example `apt-get install openjdk-17-jre-headless`) and try again.",
    );
  }
};
