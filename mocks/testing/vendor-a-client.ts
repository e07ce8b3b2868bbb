/**
 * A small client of the vendor-a dialect for tests: the application sign-in (form-encoded) and calls with the
 * application token, over real HTTP, every request with a deadline.
 */
export interface VendorAExchange {
  status: number;
  headers: Record<string, string>;
  /** The parsed envelope (`{ketQua, duLieu}` or `{ketQua, maLoi, thongBao}`), or null. */
  body: Record<string, unknown> | null;
  /** The envelope's payload on success. */
  data: Record<string, unknown>;
}

export interface VendorACallInit {
  body?: unknown;
  headers?: Record<string, string>;
  /** Send without the application token. */
  anonymous?: boolean;
}

const exchange = async (res: Response): Promise<VendorAExchange> => {
  const text = await res.text();
  let body: Record<string, unknown> | null = null;
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    body = null;
  }
  const data = (body?.duLieu ?? {}) as Record<string, unknown>;
  return { status: res.status, headers: Object.fromEntries(res.headers.entries()), body, data };
};

/** POSTs the application sign-in; `duLieu.maTruyCap` is the token on success. */
export const vendorASignIn = async (
  baseUrl: string,
  secret: string,
  clientId = "portal-harness",
): Promise<VendorAExchange> => {
  const form = new URLSearchParams({
    grant_type: "client_credentials",
    client_id: clientId,
    client_secret: secret,
  });
  const res = await fetch(`${baseUrl}/xac-thuc/ung-dung`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: form.toString(),
    signal: AbortSignal.timeout(10_000),
  });
  return exchange(res);
};

/** A signed-in vendor-a client: `call(method, path)` under the base URL with the application token. */
export const vendorAClient = async (baseUrl: string, secret: string) => {
  const signIn = await vendorASignIn(baseUrl, secret);
  if (signIn.status !== 200) throw new Error(`vendor-a sign-in answered ${signIn.status}`);
  const token = String(signIn.data.maTruyCap);
  const call = async (method: "GET" | "POST", path: string, init: VendorACallInit = {}) => {
    const res = await fetch(`${baseUrl}${path}`, {
      method,
      headers: {
        ...(init.body === undefined ? {} : { "content-type": "application/json" }),
        ...(init.anonymous ? {} : { "x-ma-ung-dung": token }),
        ...init.headers,
      },
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
      signal: AbortSignal.timeout(10_000),
    });
    return exchange(res);
  };
  return { token, call };
};

/** A citizen's sign-in through vendor-a's identity routes; returns the `X-Cong-Dan-Token` header. */
export const vendorACitizen = async (
  call: Awaited<ReturnType<typeof vendorAClient>>["call"],
  citizenId: string,
): Promise<Record<string, string>> => {
  const redirect = "http://127.0.0.1/auth/callback";
  const auth = await call("POST", "/xac-thuc/uy-quyen", {
    body: {
      response_type: "code",
      client_id: "dvcqg-portal",
      redirect_uri: redirect,
      scope: "openid",
      state: "st-1",
      login_hint: citizenId,
    },
  });
  const tokens = await call("POST", "/xac-thuc/ma-truy-cap", {
    body: {
      grant_type: "authorization_code",
      ma: auth.data.ma,
      redirect_uri: redirect,
      client_id: "dvcqg-portal",
    },
  });
  return { "x-cong-dan-token": `Bearer ${String(tokens.data.access_token)}` };
};
