import { BlockList, isIP } from "node:net";
import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import { StewardError } from "../errors";

/**
 * Outbound SSRF guard. Steward only connects to destinations an administrator registered, and even
 * then never to addresses that reach the machine's own control surfaces:
 * - always refused: link-local (169.254.0.0/16, fe80::/10, which covers the cloud metadata endpoints
 *   169.254.169.254 and 169.254.170.2), the other metadata addresses (fd00:ec2::254, 100.100.100.200),
 *   unspecified, multicast and broadcast;
 * - refused unless the destination allows private networks (an administrator's choice): loopback,
 *   RFC 1918, carrier-grade NAT (100.64.0.0/10) and unique-local IPv6 (fc00::/7).
 * The check runs on the address the connection is actually made to (inside the socket's DNS
 * lookup), so a name that re-resolves to a forbidden address between check and use is still refused.
 */
const ALWAYS_REFUSED = new BlockList();
ALWAYS_REFUSED.addSubnet("169.254.0.0", 16, "ipv4");
ALWAYS_REFUSED.addSubnet("0.0.0.0", 8, "ipv4");
ALWAYS_REFUSED.addSubnet("224.0.0.0", 4, "ipv4");
ALWAYS_REFUSED.addSubnet("240.0.0.0", 4, "ipv4"); // reserved, and 255.255.255.255
ALWAYS_REFUSED.addAddress("100.100.100.200", "ipv4");
ALWAYS_REFUSED.addSubnet("fe80::", 10, "ipv6");
ALWAYS_REFUSED.addSubnet("ff00::", 8, "ipv6");
ALWAYS_REFUSED.addAddress("::", "ipv6");
ALWAYS_REFUSED.addAddress("fd00:ec2::254", "ipv6");

const PRIVATE = new BlockList();
PRIVATE.addSubnet("127.0.0.0", 8, "ipv4");
PRIVATE.addSubnet("10.0.0.0", 8, "ipv4");
PRIVATE.addSubnet("172.16.0.0", 12, "ipv4");
PRIVATE.addSubnet("192.168.0.0", 16, "ipv4");
PRIVATE.addSubnet("100.64.0.0", 10, "ipv4");
PRIVATE.addSubnet("198.18.0.0", 15, "ipv4");
PRIVATE.addAddress("::1", "ipv6");
PRIVATE.addSubnet("fc00::", 7, "ipv6");

export type NetworkPolicy = { allowPrivateNetwork: boolean };

/** Why an address may not be reached under the policy, or null when it may. */
export function refusalFor(address: string, policy: NetworkPolicy): string | null {
  const family = isIP(address);
  if (family === 0) return `${address} is not an IP address`;
  let v4: string | null = family === 4 ? address : null;
  // IPv4-mapped and -compatible IPv6 (::ffff:169.254.169.254) is judged as the IPv4 address it is.
  const mapped = family === 6 ? /^(?:0*:)*(?:ffff:)?(\d+\.\d+\.\d+\.\d+)$/i.exec(address) : null;
  if (mapped) v4 = mapped[1]!;
  const type = v4 ? "ipv4" : "ipv6";
  const subject = v4 ?? address;
  if (ALWAYS_REFUSED.check(subject, type)) return `${address} is a link-local, metadata, multicast or unspecified address, which Steward never connects to`;
  if (!policy.allowPrivateNetwork && PRIVATE.check(subject, type)) return `${address} is a loopback or private address; allow private networks on this destination to reach it`;
  return null;
}

/** A `lookup` for net/tls/http that resolves the name, then refuses forbidden addresses (DNS rebinding included). */
export function guardedLookup(policy: NetworkPolicy) {
  return (hostname: string, options: { all?: boolean } & Record<string, unknown>, callback: (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, "");
      const list = addresses as LookupAddress[];
      for (const entry of list) {
        const refusal = refusalFor(entry.address, policy);
        if (refusal) return callback(Object.assign(new Error(`Refused to connect to ${hostname}: ${refusal}`), { code: "EREFUSEDADDRESS" }), "");
      }
      if (options.all) return callback(null, list);
      callback(null, list[0]!.address, list[0]!.family);
    });
  };
}

/** Validates a destination URL when it is registered: scheme, no credentials in it, and a literal address that is allowed. */
export function checkDestinationUrl(raw: string, policy: NetworkPolicy, path: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new StewardError("invalid_input", `${path}: not a URL`, { path });
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") throw new StewardError("invalid_input", `${path}: use an http or https URL`, { path });
  if (url.username || url.password) throw new StewardError("invalid_input", `${path}: put credentials in the secret fields, not in the URL`, { path });
  checkHost(url.hostname.replace(/^\[|\]$/g, ""), policy, path);
  return url;
}

export function checkHost(host: string, policy: NetworkPolicy, path: string): void {
  if (isIP(host)) {
    const refusal = refusalFor(host, policy);
    if (refusal) throw new StewardError("invalid_input", `${path}: ${refusal}`, { path });
  } else if (!/^[A-Za-z0-9.-]{1,253}$/.test(host)) {
    throw new StewardError("invalid_input", `${path}: not a host name`, { path });
  }
}
