// Amounts in words, as a bidder reads them back before confirming a bid.
// 大写: the capital numerals a bidder reads back before confirming, as on a cheque, so a
// slipped zero is caught before the money is committed.
const DIGITS = "零壹贰叁肆伍陆柒捌玖";
function capitalYuan(fen) {
  const units = ["", "拾", "佰", "仟"];
  const groups = ["", "万", "亿", "万亿"];
  let yuanPart = Math.floor(fen / 100);
  let words = "";
  if (yuanPart === 0) words = "零";
  let group = 0;
  let needZero = false;
  while (yuanPart > 0) {
    const chunk = yuanPart % 10000;
    yuanPart = Math.floor(yuanPart / 10000);
    if (chunk > 0) {
      let part = "";
      let zero = false;
      for (let i = 0, c = chunk; i < 4; i++, c = Math.floor(c / 10)) {
        const d = c % 10;
        if (d === 0) {
          if (part) zero = true;
        } else {
          part = DIGITS[d] + units[i] + (zero ? "零" : "") + part;
          zero = false;
        }
      }
      words = part + groups[group] + (needZero ? "零" : "") + words;
      needZero = chunk < 1000 && yuanPart > 0;
    } else if (words) {
      needZero = true;
    }
    group++;
  }
  const jiao = Math.floor(fen / 10) % 10;
  const cents = fen % 10;
  let tail = "元";
  if (jiao === 0 && cents === 0) return words + tail + "整";
  if (jiao) tail += DIGITS[jiao] + "角";
  else tail += "零";
  if (cents) tail += DIGITS[cents] + "分";
  return words + tail;
}

// The same amount in English words, for a bidder reading the page in English.
const ONES = ["", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
  "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"];
const TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"];
function belowThousand(n) {
  const words = [];
  if (n >= 100) words.push(ONES[Math.floor(n / 100)], "hundred");
  const rest = n % 100;
  if (rest >= 20) words.push(TENS[Math.floor(rest / 10)] + (rest % 10 ? "-" + ONES[rest % 10] : ""));
  else if (rest) words.push(ONES[rest]);
  return words.join(" ");
}
function englishYuan(fen) {
  let whole = Math.floor(fen / 100);
  if (whole === 0) return `zero yuan ${fen % 100} fen`;
  const parts = [];
  for (const scale of ["", "thousand", "million", "billion"]) {
    const chunk = whole % 1000;
    if (chunk) parts.unshift(belowThousand(chunk) + (scale ? " " + scale : ""));
    whole = Math.floor(whole / 1000);
  }
  return parts.join(" ") + " yuan" + (fen % 100 ? ` ${fen % 100} fen` : "");
}
export const inWords = (fen) => (document.documentElement.lang === "en" ? `${capitalYuan(fen)} (${englishYuan(fen)})` : capitalYuan(fen));

