/**
 * TLS material: Microsoft's SDKs only talk HTTPS, so the emulator serves TLS with its own CA.
 * The CA (10 years) and the server certificate (localhost, 127.0.0.1, ::1; 1 year) are written to
 * the data dir once and reused on restart, so `NODE_EXTRA_CA_CERTS=<dataDir>/ca.pem` stays valid.
 */
// @peculiar/x509 (through tsyringe) needs the Reflect metadata polyfill loaded before it.
import "reflect-metadata";
import { webcrypto } from "node:crypto";
import { chmod, mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import * as x509 from "@peculiar/x509";
import { Agent } from "undici";

type CryptoKey = webcrypto.CryptoKey;

// Node's webcrypto is the Web Crypto API x509 wants; their declarations differ only where lib.dom
// (pulled in by @types/jsdom) adds Ed25519/X25519 overloads to generateKey that Node's types lack.
type X509Crypto = ReturnType<typeof x509.cryptoProvider.get>;
x509.cryptoProvider.set(webcrypto as unknown as X509Crypto);

const EC = { name: "ECDSA", namedCurve: "P-256" } as const;
const SIGNING = { name: "ECDSA", hash: "SHA-256" } as const;
const DAY = 86_400_000;

export interface TlsMaterial {
  caPem: string;
  /** Absolute path of the CA certificate: the value for NODE_EXTRA_CA_CERTS. */
  caPath: string;
  certPem: string;
  keyPem: string;
}

/** Loads the CA and server certificate from `dataDir`, creating or renewing what is missing. */
export async function ensureTls(dataDir: string): Promise<TlsMaterial> {
  await mkdir(dataDir, { recursive: true });
  const paths = {
    ca: join(dataDir, "ca.pem"),
    caKey: join(dataDir, "ca-key.pem"),
    cert: join(dataDir, "server.pem"),
    key: join(dataDir, "server-key.pem"),
  };
  let ca = await loadPair(paths.ca, paths.caKey);
  if (!ca) {
    ca = await createCa();
    await writePair(paths.ca, paths.caKey, ca);
  }
  let server = await loadPair(paths.cert, paths.key);
  if (!server || !(await isValidServerCert(server.cert, ca.cert))) {
    server = await createServerCert(ca);
    await writePair(paths.cert, paths.key, server);
  }
  return { caPem: ca.cert.toString("pem"), caPath: paths.ca, certPem: server.certPem, keyPem: server.keyPem };
}

/** An undici dispatcher that trusts the emulator's CA: `fetch(url, { dispatcher })`. */
export function createTrustingAgent(caPem: string): Agent {
  return new Agent({ connect: { ca: caPem } });
}

interface Pair {
  cert: x509.X509Certificate;
  certPem: string;
  keyPem: string;
  privateKey: CryptoKey;
}

async function createCa(): Promise<Pair> {
  const keys = await webcrypto.subtle.generateKey(EC, true, ["sign", "verify"]);
  const notBefore = new Date(Date.now() - DAY);
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: "CN=Microsoft Emulator Local CA, O=microsoft-emulator",
    notBefore,
    notAfter: new Date(notBefore.getTime() + 3650 * DAY),
    keys,
    signingAlgorithm: SIGNING,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return toPair(cert, keys.privateKey);
}

async function createServerCert(ca: Pair): Promise<Pair> {
  const keys = await webcrypto.subtle.generateKey(EC, true, ["sign", "verify"]);
  const notBefore = new Date(Date.now() - DAY);
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject: "CN=localhost",
    issuer: ca.cert.subject,
    notBefore,
    notAfter: new Date(notBefore.getTime() + 365 * DAY),
    publicKey: keys.publicKey,
    signingKey: ca.privateKey,
    signingAlgorithm: SIGNING,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension([
        { type: "dns", value: "localhost" },
        { type: "ip", value: "127.0.0.1" },
        { type: "ip", value: "::1" },
      ]),
      await x509.AuthorityKeyIdentifierExtension.create(ca.cert),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return toPair(cert, keys.privateKey);
}

async function toPair(cert: x509.X509Certificate, privateKey: CryptoKey): Promise<Pair> {
  const pkcs8 = await webcrypto.subtle.exportKey("pkcs8", privateKey);
  return {
    cert,
    certPem: cert.toString("pem"),
    keyPem: x509.PemConverter.encode(pkcs8, "PRIVATE KEY"),
    privateKey,
  };
}

async function loadPair(certPath: string, keyPath: string): Promise<Pair | undefined> {
  const [certPem, keyPem] = await Promise.all([readIfExists(certPath), readIfExists(keyPath)]);
  if (!certPem || !keyPem) return undefined;
  const der = x509.PemConverter.decodeFirst(keyPem);
  const privateKey = await webcrypto.subtle.importKey("pkcs8", der, EC, true, ["sign"]);
  return { cert: new x509.X509Certificate(certPem), certPem, keyPem, privateKey };
}

async function isValidServerCert(cert: x509.X509Certificate, ca: x509.X509Certificate): Promise<boolean> {
  const renewBefore = Date.now() + 7 * DAY;
  if (cert.notAfter.getTime() < renewBefore) return false;
  return cert.issuer === ca.subject && (await cert.verify({ publicKey: ca.publicKey, signatureOnly: true }));
}

async function writePair(certPath: string, keyPath: string, pair: Pair): Promise<void> {
  await writeAtomic(keyPath, pair.keyPem, 0o600);
  await writeAtomic(certPath, pair.certPem, 0o644);
}

async function writeAtomic(path: string, content: string, mode: number): Promise<void> {
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, content, { mode });
  await chmod(tmp, mode);
  await rename(tmp, path);
}

async function readIfExists(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}

function serial(): string {
  // Positive 16-byte serial, as RFC 5280 asks.
  const bytes = webcrypto.getRandomValues(new Uint8Array(16));
  bytes[0] = bytes[0]! & 0x7f;
  return Buffer.from(bytes).toString("hex");
}
