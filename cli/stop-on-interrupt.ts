/** Ctrl-C (or SIGTERM) once asks a long command to stop at its next safe point; twice quits at once. */
export const stopOnInterrupt = (message: string): { readonly requested: () => boolean; readonly dispose: () => void } => {
  let requested = false;
  const onSignal = () => {
    if (requested) process.exit(130);
    requested = true;
    process.stderr.write(`\n${message} (Ctrl-C again to quit at once)…\n`);
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  return {
    requested: () => requested,
    dispose: () => {
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
    },
  };
};
