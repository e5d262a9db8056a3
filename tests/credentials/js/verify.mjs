// Verifies a vc+jwt with the jose library against a public JWK; prints the header and payload.
// Input on stdin: {"token": "...", "jwk": {...}}. Exit status 1 when it does not verify.
import { importJWK, jwtVerify } from "jose";

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const { token, jwk } = JSON.parse(Buffer.concat(chunks).toString("utf8"));
try {
  const key = await importJWK(jwk, "EdDSA");
  const { payload, protectedHeader } = await jwtVerify(token, key, { typ: "vc+jwt", algorithms: ["EdDSA"] });
  process.stdout.write(JSON.stringify({ header: protectedHeader, payload }));
} catch (error) {
  process.stderr.write(`${error.code ?? error.name}: ${error.message}\n`);
  process.exit(1);
}
