// A throw-away self-signed TLS certificate for loopback test servers, made with node:crypto
// alone (no openssl on PATH needed). node:crypto can make keys and sign bytes but not build a
// certificate, so the few DER structures of an X.509 v3 certificate are written out here.
import { X509Certificate, generateKeyPairSync, randomBytes, sign } from "node:crypto";

function der(tag: number, content: Buffer): Buffer {
  const length = content.length;
  let header: Buffer;
  if (length < 0x80) header = Buffer.from([tag, length]);
  else {
    const bytes: number[] = [];
    for (let rest = length; rest > 0; rest >>= 8) bytes.unshift(rest & 0xff);
    header = Buffer.from([tag, 0x80 | bytes.length, ...bytes]);
  }
  return Buffer.concat([header, content]);
}

const sequence = (...items: Buffer[]): Buffer => der(0x30, Buffer.concat(items));
const set = (...items: Buffer[]): Buffer => der(0x31, Buffer.concat(items));
const integer = (bytes: Buffer): Buffer => der(0x02, bytes[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), bytes]) : bytes);
const utf8 = (text: string): Buffer => der(0x0c, Buffer.from(text, "utf8"));
const octets = (bytes: Buffer): Buffer => der(0x04, bytes);
const bitString = (bytes: Buffer): Buffer => der(0x03, Buffer.concat([Buffer.from([0]), bytes]));
const explicit = (n: number, content: Buffer): Buffer => der(0xa0 + n, content);

function oid(dotted: string): Buffer {
  const [a, b, ...rest] = dotted.split(".").map(Number) as [number, number, ...number[]];
  const bytes = [40 * a + b];
  for (const part of rest) {
    const chunk = [part & 0x7f];
    for (let value = part >> 7; value > 0; value >>= 7) chunk.unshift((value & 0x7f) | 0x80);
    bytes.push(...chunk);
  }
  return der(0x06, Buffer.from(bytes));
}

function utcTime(date: Date): Buffer {
  const text = date.toISOString().replace(/[-:T]/g, "").slice(2, 14) + "Z"; // YYMMDDHHMMSSZ
  return der(0x17, Buffer.from(text, "ascii"));
}

export interface TestCertificate {
  /** PEM private key. */
  key: string;
  /** PEM certificate for CN=localhost, with subjectAltName localhost and 127.0.0.1. */
  cert: string;
}

/** A P-256 key and a self-signed certificate valid from an hour ago for a day. */
export function selfSignedCertificate(commonName = "localhost"): TestCertificate {
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const ecdsaWithSha256 = sequence(oid("1.2.840.10045.4.3.2"));
  const name = sequence(set(sequence(oid("2.5.4.3"), utf8(commonName))));
  const now = Date.now();
  const subjectAltName = sequence(
    oid("2.5.29.17"),
    octets(sequence(der(0x82, Buffer.from("localhost", "ascii")), der(0x87, Buffer.from([127, 0, 0, 1])))),
  );
  // DER integers are minimal: a serial starting with a zero byte would be "illegal padding" (one
  // run in about five hundred). Its first byte is made non-zero and positive instead.
  const serial = randomBytes(8);
  serial[0] = (serial[0]! & 0x7f) | 0x01;
  const tbs = sequence(
    explicit(0, integer(Buffer.from([2]))), // v3
    integer(serial),
    ecdsaWithSha256,
    name,
    sequence(utcTime(new Date(now - 3_600_000)), utcTime(new Date(now + 86_400_000))),
    name,
    publicKey.export({ type: "spki", format: "der" }),
    explicit(3, sequence(subjectAltName)),
  );
  const signature = sign("sha256", tbs, privateKey); // DER-encoded ECDSA, as X.509 wants it
  const certificate = sequence(tbs, ecdsaWithSha256, bitString(signature));
  const body = certificate.toString("base64").replace(/(.{64})/g, "$1\n").trim();
  const cert = `-----BEGIN CERTIFICATE-----\n${body}\n-----END CERTIFICATE-----\n`;
  // Parse it back: a malformed structure fails here, not as a puzzling TLS error in a test.
  new X509Certificate(cert);
  return { key: privateKey.export({ type: "pkcs8", format: "pem" }).toString(), cert };
}
