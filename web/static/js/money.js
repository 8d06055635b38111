// Money on the pages: integer fen in, "¥1,234,567.89" out; yuan typed by a person in, fen out.

export const yuan = (fen) =>
  "¥" + Math.floor(fen / 100).toLocaleString("en-US") + "." + String(fen % 100).padStart(2, "0");

// "1,234.5" -> 123450 fen; null for anything that is not a yuan amount with at most 2 decimals.
export function parseYuan(text) {
  const match = /^\s*(\d{1,13})(?:\.(\d{1,2}))?\s*$/.exec(text.replace(/,/g, ""));
  if (!match) return null;
  return Number(match[1]) * 100 + Number((match[2] || "").padEnd(2, "0"));
}
