// Shared helpers of the example pages: the JSON API, the WebAuthn JSON
// conversions (with a fallback for browsers without
// parseCreationOptionsFromJSON / parseRequestOptionsFromJSON / toJSON),
// and the status line.

// ApiError is an error answer of the server: {code, message}.
export class ApiError extends Error {
  constructor(status, code, message) {
    super(message || code);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
  }
}

// api calls the server's JSON API and returns the decoded answer.
export async function api(method, path, body, signal) {
  const init = { method, headers: {}, credentials: 'same-origin', signal };
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const res = await fetch(path, init);
  let data = null;
  try { data = await res.json(); } catch { /* no JSON body */ }
  if (!res.ok) {
    throw new ApiError(res.status, data?.code || 'http-' + res.status, data?.message || res.statusText);
  }
  return data;
}

// --- base64url, for browsers without the JSON helpers -------------------

function fromB64url(s) {
  const b64 = s.replace(/-/g, '+').replace(/_/g, '/');
  const bin = atob(b64 + '='.repeat((4 - b64.length % 4) % 4));
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out.buffer;
}

function toB64url(buf) {
  const bytes = buf instanceof ArrayBuffer ? new Uint8Array(buf) : new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

const descriptors = (list) => (list || []).map((c) => ({ ...c, id: fromB64url(c.id) }));

// prfValues converts the binary members of a prf extension input.
function prfInputs(ext) {
  if (!ext?.prf) return ext;
  const conv = (v) => v && { first: fromB64url(v.first), ...(v.second ? { second: fromB64url(v.second) } : {}) };
  const prf = { ...ext.prf };
  if (prf.eval) prf.eval = conv(prf.eval);
  if (prf.evalByCredential) {
    prf.evalByCredential = Object.fromEntries(Object.entries(prf.evalByCredential).map(([k, v]) => [k, conv(v)]));
  }
  return { ...ext, prf };
}

// creationOptions turns PublicKeyCredentialCreationOptionsJSON into the
// options create() takes.
export function creationOptions(json) {
  if (typeof PublicKeyCredential.parseCreationOptionsFromJSON === 'function') {
    return PublicKeyCredential.parseCreationOptionsFromJSON(json);
  }
  return {
    ...json,
    challenge: fromB64url(json.challenge),
    user: { ...json.user, id: fromB64url(json.user.id) },
    excludeCredentials: descriptors(json.excludeCredentials),
    extensions: prfInputs(json.extensions),
  };
}

// requestOptions turns PublicKeyCredentialRequestOptionsJSON into the
// options get() takes.
export function requestOptions(json) {
  if (typeof PublicKeyCredential.parseRequestOptionsFromJSON === 'function') {
    return PublicKeyCredential.parseRequestOptionsFromJSON(json);
  }
  return {
    ...json,
    challenge: fromB64url(json.challenge),
    allowCredentials: descriptors(json.allowCredentials),
    extensions: prfInputs(json.extensions),
  };
}

// extensionResults makes clientExtensionResults JSON-safe (prf results
// are ArrayBuffers).
function extensionResults(r) {
  const conv = (v) => (v instanceof ArrayBuffer || ArrayBuffer.isView(v) ? toB64url(v)
    : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, conv(x)])) : v);
  return conv(r || {});
}

// credentialJSON is the credential's toJSON(): RegistrationResponseJSON or
// AuthenticationResponseJSON.
export function credentialJSON(cred) {
  if (typeof cred.toJSON === 'function') return cred.toJSON();
  const r = cred.response;
  const out = {
    id: cred.id,
    rawId: toB64url(cred.rawId),
    type: cred.type,
    clientExtensionResults: extensionResults(cred.getClientExtensionResults?.()),
    response: { clientDataJSON: toB64url(r.clientDataJSON) },
  };
  if (cred.authenticatorAttachment) out.authenticatorAttachment = cred.authenticatorAttachment;
  if (r.attestationObject) {
    out.response.attestationObject = toB64url(r.attestationObject);
    if (r.getAuthenticatorData) out.response.authenticatorData = toB64url(r.getAuthenticatorData());
    if (r.getTransports) out.response.transports = r.getTransports();
    const pk = r.getPublicKey?.();
    if (pk) out.response.publicKey = toB64url(pk);
    if (r.getPublicKeyAlgorithm) out.response.publicKeyAlgorithm = r.getPublicKeyAlgorithm();
  } else {
    out.response.authenticatorData = toB64url(r.authenticatorData);
    out.response.signature = toB64url(r.signature);
    if (r.userHandle) out.response.userHandle = toB64url(r.userHandle);
  }
  return out;
}

// --- status line --------------------------------------------------------

// setStatus shows text in #status. data-code carries the server's error
// code, data-error a browser exception's name, so that people and tests
// can tell who refused.
export function setStatus(text, { code = '', error = '', mediation = '', kind = 'info' } = {}) {
  const el = document.getElementById('status');
  el.textContent = text;
  el.dataset.code = code;
  el.dataset.error = error;
  el.dataset.mediation = mediation;
  el.className = kind;
}

// showError reports a failure: "<what> failed: …".
export function showError(what, e) {
  if (e instanceof ApiError) {
    setStatus(`${what} failed: ${e.message}`, { code: e.code, kind: 'error' });
  } else if (e?.name === 'NotAllowedError') {
    setStatus(`${what} failed: cancelled, timed out or no matching passkey (NotAllowedError)`, { error: e.name, kind: 'error' });
  } else {
    setStatus(`${what} failed: ${e?.name || 'error'}: ${e?.message || e}`, { error: e?.name || 'Error', kind: 'error' });
  }
}

// busy disables the page's buttons while a ceremony runs.
export function busy(on) {
  for (const b of document.querySelectorAll('button')) b.disabled = on;
  document.body.dataset.busy = on ? 'true' : 'false';
}

// webauthnSupported reports whether the browser can do passkeys at all.
export function webauthnSupported() {
  return typeof window.PublicKeyCredential === 'function' && !!navigator.credentials?.create;
}
