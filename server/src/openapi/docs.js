// The API viewer at /api/docs: renders /api/openapi.json and sends requests
// from the browser. Self-hosted and dependency-free so it lives with the
// page's strict CSP (scripts from this origin only, no eval, no inline
// script). Every text from the document goes in as text, never as HTML.
"use strict";

const METHODS = ["get", "post", "put", "patch", "delete"];
const CSRF_HEADER = "x-photo-spots-csrf";
let spec = null;
let token = "";

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (name === "text") node.textContent = value;
    else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value);
  }
  for (const child of children) if (child) node.append(child);
  return node;
}

// A local "#/components/..." reference, followed to what it names.
function resolve(node) {
  let seen = 0;
  while (node && node.$ref && seen++ < 16) {
    node = node.$ref
      .replace(/^#\//, "")
      .split("/")
      .map((part) => part.replace(/~1/g, "/").replace(/~0/g, "~"))
      .reduce((at, key) => (at ? at[key] : undefined), spec);
  }
  return node || {};
}

// A value the schema accepts, to start the request body from.
function example(schema, depth = 0) {
  schema = resolve(schema);
  if (depth > 6) return null;
  if ("example" in schema) return schema.example;
  if ("default" in schema) return schema.default;
  if (schema.enum) return schema.enum[0];
  if (schema.oneOf || schema.anyOf) return example((schema.oneOf || schema.anyOf)[0], depth + 1);
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== "null") : schema.type;
  switch (type) {
    case "object": {
      const value = {};
      for (const [name, property] of Object.entries(schema.properties || {})) {
        value[name] = example(property, depth + 1);
      }
      return value;
    }
    case "array":
      return [];
    case "integer":
    case "number":
      return schema.minimum ?? 0;
    case "boolean":
      return false;
    case "string":
      return "";
    default:
      return null;
  }
}

function pretty(text) {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

function authPanel() {
  const status = el("p", { class: "status", text: "Not logged in: calls are sent without a token." });
  const tokenField = el("input", { id: "token", placeholder: "or paste an access token", autocomplete: "off" });
  const username = el("input", { id: "username", placeholder: "username", autocomplete: "username" });
  const password = el("input", { id: "password", type: "password", placeholder: "password", autocomplete: "current-password" });
  const useToken = (value, who) => {
    token = value.trim();
    tokenField.value = token;
    status.textContent = token
      ? `Calls carry Authorization: Bearer … (${who}).`
      : "Not logged in: calls are sent without a token.";
  };
  tokenField.addEventListener("change", () => useToken(tokenField.value, "pasted token"));
  const login = async (event) => {
    event.preventDefault();
    const answer = await fetch("/api/login", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username: username.value, password: password.value }),
    });
    const body = await answer.text();
    if (answer.ok) {
      useToken(JSON.parse(body).token, `logged in as ${username.value}`);
    } else {
      status.textContent = `Log-in refused (${answer.status}): ${pretty(body)}`;
    }
    password.value = "";
  };
  return el(
    "section",
    { class: "auth" },
    el("h2", { text: "Authorize" }),
    el("form", { onsubmit: login }, username, password, el("button", { type: "submit", text: "Log in" })),
    tokenField,
    status,
  );
}

function parameterField(parameter) {
  parameter = resolve(parameter);
  const input = el("input", {
    "data-name": parameter.name,
    "data-in": parameter.in,
    placeholder: parameter.name,
    "aria-label": `${parameter.in} parameter ${parameter.name}`,
  });
  const schema = resolve(parameter.schema);
  if (parameter.in === "header" && parameter.name.toLowerCase() === CSRF_HEADER) input.value = "1";
  else if ("default" in schema) input.value = String(schema.default);
  return el(
    "label",
    { class: "parameter" },
    el("span", { text: `${parameter.name} (${parameter.in}${parameter.required ? ", required" : ""})` }),
    input,
  );
}

function bodyEditor(requestBody) {
  requestBody = resolve(requestBody);
  const [type, media] = Object.entries(requestBody.content || {})[0] || [];
  if (!type) return { node: null, read: () => ({}) };
  const schema = resolve(media.schema);
  if (type === "multipart/form-data") {
    const inputs = Object.entries(schema.properties || {}).map(([name, property]) => {
      const binary = resolve(property).format === "binary" || resolve(property).contentMediaType;
      return el("input", { "data-name": name, type: binary ? "file" : "text", "aria-label": name });
    });
    const read = () => {
      const form = new FormData();
      for (const input of inputs) {
        const name = input.dataset.name;
        if (input.type === "file" && input.files[0]) form.append(name, input.files[0]);
        else if (input.type !== "file") form.append(name, input.value);
      }
      return { body: form };
    };
    return { node: el("div", { class: "body" }, el("span", { text: type }), ...inputs), read };
  }
  const text = el("textarea", { rows: "8", spellcheck: "false", "aria-label": "request body" });
  text.value = JSON.stringify(example(schema), null, 2);
  const read = () => ({ body: text.value, headers: { "content-type": type } });
  return { node: el("div", { class: "body" }, el("span", { text: type }), text), read };
}

function operation(path, method, op) {
  const parameters = (op.parameters || []).map(parameterField);
  const editor = bodyEditor(op.requestBody);
  const output = el("pre", { class: "answer", "aria-live": "polite" });
  const secured = (op.security || spec.security || []).some((requirement) => "bearer" in requirement);
  const send = async () => {
    let url = path;
    const query = new URLSearchParams();
    const headers = {};
    for (const label of parameters) {
      const input = label.querySelector("input");
      const { name, in: where } = input.dataset;
      if (input.value === "") continue;
      if (where === "path") url = url.replace(`{${name}}`, encodeURIComponent(input.value));
      else if (where === "query") query.set(name, input.value);
      else if (where === "header") headers[name] = input.value;
    }
    const { body, headers: bodyHeaders } = editor.read();
    Object.assign(headers, bodyHeaders);
    if (secured && token) headers.authorization = `Bearer ${token}`;
    const search = query.toString();
    output.textContent = "…";
    try {
      const answer = await fetch(search ? `${url}?${search}` : url, {
        method: method.toUpperCase(),
        headers,
        body: method === "get" ? undefined : body,
        credentials: "same-origin",
      });
      const id = answer.headers.get("x-request-id");
      output.textContent = `${answer.status} ${answer.statusText}${id ? `  (x-request-id: ${id})` : ""}\n\n${pretty(await answer.text())}`;
    } catch (error) {
      output.textContent = `The request failed: ${error}`;
    }
  };
  const responses = el(
    "ul",
    { class: "responses" },
    ...Object.entries(op.responses || {}).map(([status, response]) =>
      el("li", {}, el("code", { text: status }), ` ${resolve(response).description || ""}`),
    ),
  );
  return el(
    "details",
    { class: `operation ${method}` },
    el(
      "summary",
      {},
      el("span", { class: "method", text: method.toUpperCase() }),
      el("code", { class: "path", text: path }),
      el("span", { class: "summary", text: op.summary || "" }),
    ),
    op.description ? el("p", { text: op.description }) : null,
    secured ? el("p", { class: "note", text: "Needs an access token (Authorize above)." }) : null,
    ...parameters,
    editor.node,
    el("button", { type: "button", onclick: send, text: "Send" }),
    output,
    el("h4", { text: "Answers" }),
    responses,
  );
}

async function main() {
  const root = document.getElementById("docs");
  const source = root.dataset.spec;
  try {
    const answer = await fetch(source);
    spec = await answer.json();
  } catch (error) {
    root.textContent = `Could not load ${source}: ${error}`;
    return;
  }
  root.replaceChildren(
    el("h1", { text: `${spec.info.title} API ${spec.info.version}` }),
    el("p", { text: spec.info.description || "" }),
    el("p", {}, el("a", { href: source, text: source }), " (OpenAPI 3.1)"),
    authPanel(),
    ...Object.entries(spec.paths).flatMap(([path, item]) =>
      METHODS.filter((method) => item[method]).map((method) => operation(path, method, item[method])),
    ),
  );
}

main();
