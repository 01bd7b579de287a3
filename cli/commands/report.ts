import { Command, Option } from "commander";
import { dailySales, type DailySales } from "../../projections/sales-by-category.js";
import type { CliContext } from "../context.js";
import { day } from "../options.js";
import { UsageError } from "../usage-error.js";

const money = (cents: number): string => (cents / 100).toFixed(2);
const csvField = (s: string): string => (/[",\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s);

const table = (rows: readonly DailySales[]): string => {
  const cells = [["day", "category", "currency", "units", "revenue"], ...rows.map((r) => [r.day, r.category, r.currency, String(r.units), money(r.revenueCents)])];
  const widths = cells[0]!.map((_, i) => Math.max(...cells.map((row) => row[i]!.length)));
  return cells.map((row) => row.map((c, i) => (i >= 3 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join("  ")).join("\n") + "\n";
};

const csv = (rows: readonly DailySales[]): string =>
  ["day,category,currency,units,revenue", ...rows.map((r) => [r.day, csvField(r.category), r.currency, String(r.units), money(r.revenueCents)].join(","))].join("\n") + "\n";

export const reportCommand = (context: () => CliContext): Command =>
  new Command("report").description("analyst reports from the read models").addCommand(
    new Command("sales-by-category")
      .description("units and revenue of paid orders per day, category and currency (the sales-by-category projection)")
      .addOption(new Option("--from <day>", "first day, yyyy-mm-dd").argParser(day).makeOptionMandatory())
      .addOption(new Option("--to <day>", "last day, yyyy-mm-dd (inclusive)").argParser(day).makeOptionMandatory())
      .option("--csv", "CSV instead of a table")
      .action(async (flags: { from: string; to: string; csv?: boolean }) => {
        if (flags.from > flags.to) throw new UsageError("--from is after --to");
        if (Date.parse(flags.to) - Date.parse(flags.from) > 3660 * 86_400_000) throw new UsageError("at most ten years at a time");
        const rows = await dailySales(context().ports.redis, flags.from, flags.to);
        process.stdout.write(flags.csv === true ? csv(rows) : table(rows));
      }),
  );
