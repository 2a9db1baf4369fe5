// A server that is not written in Python: its spec is a file kept next to it.
const http = require("http");

const PORT = Number(process.env.PORT || 8080);

function send(res, status, body) {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

http
  .createServer((req, res) => {
    if (req.method === "GET" && req.url === "/openapi.yaml") {
      res.writeHead(200, { "content-type": "application/yaml" });
      res.end(require("fs").readFileSync(__dirname + "/openapi.yaml"));
      return;
    }
    if (req.method === "POST" && req.url === "/v1/reverse") {
      let data = "";
      req.on("data", (chunk) => (data += chunk));
      req.on("end", () => {
        let input;
        try {
          input = JSON.parse(data);
        } catch (error) {
          return send(res, 400, { error: "the body is not JSON" });
        }
        if (typeof input.text !== "string") {
          return send(res, 400, { error: "text must be a string" });
        }
        const reversed = [...input.text].reverse().join("");
        send(res, 200, { reversed, length: reversed.length });
      });
      return;
    }
    send(res, 404, { error: "not found" });
  })
  .listen(PORT, "0.0.0.0", () => console.error(`listening on ${PORT}`));
