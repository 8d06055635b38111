// The console's forms (court staff, creditors): every form[data-api] is sent to the JSON API
// with the session cookie and the CSRF header, so the pages keep no rules of their own; the
// server's field errors are shown beside their inputs and nothing typed is lost.
import { parseYuan, yuan } from "./money.js";

const M = JSON.parse(document.getElementById("console-messages").textContent);

// data-type says how an input becomes JSON: int, yuan (-> fen), cst (a datetime-local read
// as China Standard Time), bool (a checkbox), bool-choice (a yes/no pair of radios), list (checked boxes gathered into an array of numbers).
function valueOf(input) {
  if (input.dataset.type === "bool") return input.checked;
  if (input.dataset.type === "bool-choice") return input.checked ? input.value === "true" : undefined;
  const text = input.value.trim();
  if (text === "") return undefined;
  switch (input.dataset.type) {
    case "int":
      return Number(text);
    case "yuan":
      return parseYuan(text); // null when it is not an amount: the server names the field's error
    case "cst":
      return `${text.length === 16 ? text + ":00" : text}+08:00`;
    default:
      return text;
  }
}

function bodyOf(form) {
  const body = JSON.parse(form.dataset.fixed || "{}");
  for (const input of form.elements) {
    if (!input.name || input.name === "csrf_token") continue;
    if (input.dataset.type === "list") {
      body[input.name] = body[input.name] || [];
      if (input.checked) body[input.name].push(Number(input.value));
      continue;
    }
    const value = valueOf(input);
    if (value === undefined) continue; // left out: the server's default or its "required"
    // "debtor.name" nests an object; "costs.0.label" an array of objects.
    const path = input.name.split(".");
    let target = body;
    path.slice(0, -1).forEach((key, i) => {
      target = target[key] = target[key] || (/^\d+$/.test(path[i + 1]) ? [] : {});
    });
    target[path[path.length - 1]] = value;
  }
  return body;
}

// The server's refusal in the page's language: by its code (never the API's English words).
function showErrors(form, error) {
  const general = form.querySelector(".form-error");
  if (general) general.textContent = error.text || M.refusals[error.code] || M.refused;
  for (const [field, code] of Object.entries(error.fields || {})) {
    const slot =
      form.querySelector(`[data-error-for="${field}"]`) || form.querySelector(`[data-error-for="${field.split(".").pop()}"]`);
    const label = M.fields[field] || M.fields[field.split(".")[0]] || field;
    const text = `${label} ${M.errors[code] || code}`;
    if (slot) slot.textContent = text;
    else if (general) general.textContent += ` · ${text}`;
  }
}

async function submit(event) {
  event.preventDefault();
  const form = event.currentTarget;
  // A consequential act (suspend, withdraw, default, pay out …) says what it does and waits for a yes.
  if (form.dataset.confirm && !window.confirm(form.dataset.confirm)) return;
  for (const slot of form.querySelectorAll(".form-error, [data-error-for]")) slot.textContent = "";
  const button = form.querySelector("button[type=submit]");
  if (button) button.disabled = true;
  const init = { method: form.dataset.method || "POST", headers: { "X-CSRF-Token": M.csrf }, credentials: "same-origin" };
  if (form.enctype === "multipart/form-data") {
    init.body = new FormData(form);
  } else {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(bodyOf(form));
  }
  let response;
  try {
    response = await fetch(form.dataset.api, init);
  } catch {
    showErrors(form, { text: M.network });
    if (button) button.disabled = false;
    return;
  }
  const data = await response.json().catch(() => ({}));
  if (response.ok) {
    const next = form.dataset.next;
    // A full reload shows the new state as the server has it, with nothing cached in the page.
    location.assign(next ? next.replace("{id}", data.id) : location.pathname + location.search);
    return;
  }
  showErrors(form, data.error || { code: "" });
  if (button) button.disabled = false;
}

for (const form of document.querySelectorAll("form[data-api]")) form.addEventListener("submit", submit);

// The lot form shows the rule limits as the amounts are typed (the server checks them again).
for (const form of document.querySelectorAll("form[data-limits]")) {
  const limits = JSON.parse(form.dataset.limits);
  const hint = form.querySelector(".limits");
  const update = () => {
    const property = form.querySelector("[name=property_id]");
    const appraisal = Number(property.selectedOptions ? property.selectedOptions[0].dataset.appraisal : property.dataset.appraisal);
    const starting = parseYuan(form.querySelector("[name=starting_price]").value);
    const floor = Math.ceil((appraisal * limits.round1_min_bp) / 10000);
    const base = starting === null ? floor : starting;
    hint.textContent = M.limits
      .replace("{floor}", yuan(floor))
      .replace("{low}", yuan(Math.ceil((base * limits.deposit_min_bp) / 10000)))
      .replace("{high}", yuan(Math.floor((base * limits.deposit_max_bp) / 10000)));
  };
  form.addEventListener("input", update);
  update();
}

// A page whose state changes at a known moment (a plan's objection deadline) reloads then, so
// it never offers what that moment ends or hides what it opens.
for (const node of document.querySelectorAll("[data-reload-at-ms]")) {
  const wait = Number(node.dataset.reloadAtMs) - Date.now();
  if (wait > 0 && wait < 2 ** 31) setTimeout(() => location.reload(), wait + 500);
}
