import { spawnSync } from "node:child_process";
import { existsSync, realpathSync } from "node:fs";
import { dirname, join } from "node:path";

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

/** The JDK/JRE folder of the `java` on the PATH (or JAVA_HOME), for launchers that want a home rather than a command. */
export const javaHome = (): string => {
  const fromEnv = process.env.JAVA_HOME;
  if (fromEnv !== undefined && existsSync(join(fromEnv, "bin", "java"))) return fromEnv;
  const which = spawnSync("sh", ["-c", "command -v java"], { encoding: "utf8" });
  const java = which.stdout.trim();
  if (which.status !== 0 || java === "") throw new Error("no `java` on the PATH");
  return dirname(dirname(realpathSync(java)));
};
