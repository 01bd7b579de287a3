import type { RouteSpec } from "./inputs.js";

/**
 * CloudFront in front of the API: the public catalogue reads answered at the edge for as long as
 * their `Cache-Control` allows, everything else passed through uncached.
 *
 * The cache key holds nothing personal: the query string and the `Origin` the CORS answer depends
 * on, never a token or a cookie. Nothing made for a signed-in caller is kept, by two rules:
 * - the API answers a request that carried credentials `private` (or `no-store`), which
 *   CloudFront never stores with a minimum TTL of 0; a signed-in GET may be answered from the
 *   anonymous copy, which is the same public page;
 * - only the paths of public reads with a cache policy get a cached behaviour, and
 *   `cdnBehaviours` refuses a route table where such a path would also take a non-public read.
 * Every viewer header but `Host` (which API Gateway would refuse) reaches the API, the token
 * included, so the writes that share a cached path (`PATCH /books/{bookId}`) work through it.
 */

/** A route path as a CloudFront path pattern: each `{parameter}` a `*`. */
export const pathPatternOf = (path: string): string => path.replace(/\{[^}]+\}/g, "*");

/** CloudFront's `*` matches any run of characters, `/` included; `?` one character. */
const matches = (pattern: string, path: string): boolean =>
  new RegExp(`^${pattern.split("*").map((part) => part.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\?/g, ".")).join(".*")}$`).test(path);

/** A concrete path a route answers, to test patterns against: each parameter a sample segment. */
const samplePathOf = (path: string): string => path.replace(/\{[^}]+\}/g, "x");

/**
 * The path patterns to cache, from the route table: every public GET with a cache policy. A
 * pattern that would also take a customer's or an admin's GET is a mistake in the table, caught
 * here at synth time rather than by a customer seeing another's cart.
 */
export const cdnBehaviours = (routes: readonly RouteSpec[]): string[] => {
  const patterns = [...new Set(routes.filter((r) => r.method === "GET" && r.auth === "public" && r.response?.cache !== undefined).map((r) => pathPatternOf(r.path)))];
  for (const route of routes) {
    if (route.method !== "GET" || (route.auth === "public" && route.response?.cache !== undefined)) continue;
    const covering = patterns.find((p) => matches(p, samplePathOf(route.path)));
    if (covering !== undefined) {
      throw new Error(`the CDN would cache ${route.method} ${route.path} (${route.auth}, no cache policy) under ${covering}: give it a path no cached route's pattern covers`);
    }
  }
  // CloudFront takes the first pattern that matches: the most specific first.
  return patterns.sort((a, b) => b.length - a.length || a.localeCompare(b));
};

// AWS's managed policies, by their documented ids.
const CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad";
const ALL_VIEWER_EXCEPT_HOST_HEADER = "b689b0a8-53d0-40ab-baf2-68738e2966ac";

const allMethods = ["GET", "HEAD", "OPTIONS", "PUT", "PATCH", "POST", "DELETE"];

export const cdn = (routes: readonly RouteSpec[], apiUrl: $util.Output<string>) => {
  const patterns = cdnBehaviours(routes);
  const catalogue = new aws.cloudfront.CachePolicy("CdnCataloguePolicy", {
    comment: "Public catalogue reads, as long as the API's Cache-Control says; keyed on nothing personal",
    minTtl: 0,
    defaultTtl: 0,
    maxTtl: 60,
    parametersInCacheKeyAndForwardedToOrigin: {
      queryStringsConfig: { queryStringBehavior: "all" },
      headersConfig: { headerBehavior: "whitelist", headers: { items: ["origin"] } },
      cookiesConfig: { cookieBehavior: "none" },
      enableAcceptEncodingGzip: true,
      enableAcceptEncodingBrotli: true,
    },
  });
  const originId = "api";
  const distribution = new aws.cloudfront.Distribution("Cdn", {
    enabled: true,
    comment: `bookstore ${$app.stage}: the API, its public reads cached`,
    priceClass: "PriceClass_100",
    httpVersion: "http2and3",
    origins: [
      {
        originId,
        domainName: apiUrl.apply((url) => new URL(url).host),
        customOriginConfig: { httpPort: 80, httpsPort: 443, originProtocolPolicy: "https-only", originSslProtocols: ["TLSv1.2"] },
      },
    ],
    defaultCacheBehavior: {
      targetOriginId: originId,
      viewerProtocolPolicy: "redirect-to-https",
      allowedMethods: allMethods,
      cachedMethods: ["GET", "HEAD"],
      cachePolicyId: CACHING_DISABLED,
      originRequestPolicyId: ALL_VIEWER_EXCEPT_HOST_HEADER,
      compress: true,
    },
    orderedCacheBehaviors: patterns.map((pathPattern) => ({
      pathPattern,
      targetOriginId: originId,
      viewerProtocolPolicy: "redirect-to-https",
      allowedMethods: allMethods,
      cachedMethods: ["GET", "HEAD"],
      cachePolicyId: catalogue.id,
      originRequestPolicyId: ALL_VIEWER_EXCEPT_HOST_HEADER,
      compress: true,
    })),
    restrictions: { geoRestriction: { restrictionType: "none" } },
    viewerCertificate: { cloudfrontDefaultCertificate: true },
  });
  return { distribution, url: $interpolate`https://${distribution.domainName}` };
};
