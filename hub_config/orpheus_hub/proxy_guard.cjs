// Loaded with `node --require` in front of configurable-http-proxy (see jupyterhub_config.py).
// The proxy decodes every request path with decodeURIComponent and answers 500 when that
// throws (an escape such as %C0%AE that is not UTF-8). This guard answers such requests
// with a 400 that says why, before the proxy sees them; every other request is untouched.
"use strict";
const http = require("node:http");
const https = require("node:https");

const MESSAGE = JSON.stringify({
  status: 400,
  message: "The URL path is not valid percent-encoded UTF-8.",
});

function decodable(url) {
  try {
    decodeURIComponent(new URL(url, "http://localhost").pathname);
    return true;
  } catch (e) {
    return false;
  }
}

function guardRequests(listener) {
  return function (req, res) {
    if (decodable(req.url)) return listener.call(this, req, res);
    res.writeHead(400, {
      "Content-Type": "application/json",
      "X-Content-Type-Options": "nosniff",
      "Content-Length": Buffer.byteLength(MESSAGE),
    });
    res.end(MESSAGE);
  };
}

function guardUpgrades(listener) {
  return function (req, socket, head) {
    if (decodable(req.url)) return listener.call(this, req, socket, head);
    socket.end("HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nContent-Length: "
      + Buffer.byteLength(MESSAGE) + "\r\n\r\n" + MESSAGE);
  };
}

for (const mod of [http, https]) {
  const create = mod.createServer;
  mod.createServer = function (...args) {
    const at = args.findIndex((a) => typeof a === "function");
    if (at >= 0) args[at] = guardRequests(args[at]);
    const server = create.apply(this, args);
    const on = server.on;
    server.on = function (event, listener) {
      return on.call(this, event, event === "upgrade" ? guardUpgrades(listener) : listener);
    };
    return server;
  };
}
