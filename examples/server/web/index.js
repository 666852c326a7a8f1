// The sign-up and sign-in page.
import {
  api, busy, creationOptions, credentialJSON, requestOptions, setStatus, showError, webauthnSupported,
} from './webauthn.js';

const username = document.getElementById('username');

// The autofill sign-in (conditional mediation) waiting on the name field:
// its AbortController and the promise that settles when it ends.
let autofill = null;

// startAutofill offers the site's passkeys in the name field's
// suggestions, where the browser supports it. It runs once per page load.
function startAutofill() {
  const ctrl = new AbortController();
  const done = (async () => {
    if (typeof PublicKeyCredential.isConditionalMediationAvailable !== 'function'
        || !(await PublicKeyCredential.isConditionalMediationAvailable())) {
      document.body.dataset.autofill = 'unsupported';
      return;
    }
    if (ctrl.signal.aborted) return;
    const opts = await api('POST', '/api/login/begin', { autofill: true }, ctrl.signal);
    document.body.dataset.autofill = 'started';
    const cred = await navigator.credentials.get({
      publicKey: requestOptions(opts), mediation: 'conditional', signal: ctrl.signal,
    });
    await finishLogin(cred, true, opts.rpId);
  })().catch((e) => {
    if (ctrl.signal.aborted || e?.name === 'AbortError') return;
    document.body.dataset.autofill = 'ended';
    // The browser ended the autofill offer by itself (no passkey for this
    // site, say): nothing the user asked for failed.
    if (e?.name === 'NotAllowedError') return;
    showError('sign-in', e);
  });
  autofill = { ctrl, done };
}

// stopAutofill aborts the autofill sign-in and waits until the browser has
// let go of it: a modal ceremony started while it is pending would race it
// (or fail with "a request is already pending").
async function stopAutofill() {
  const a = autofill;
  autofill = null;
  if (!a) return;
  a.ctrl.abort();
  await a.done;
  document.body.dataset.autofill = 'aborted';
}

// finishLogin sends the assertion, then opens the account page.
async function finishLogin(cred, viaAutofill, rpId) {
  try {
    const res = await api('POST', '/api/login/finish' + (viaAutofill ? '?autofill=1' : ''), credentialJSON(cred));
    setStatus(`signed in as ${res.username}`, { mediation: viaAutofill ? 'conditional' : 'modal', kind: 'ok' });
    location.assign('/account');
  } catch (e) {
    // The server no longer knows this passkey (deleted on another device):
    // tell the authenticator, so that it stops offering it.
    if (e?.code === 'unknown-credential' && typeof PublicKeyCredential.signalUnknownCredential === 'function') {
      PublicKeyCredential.signalUnknownCredential({ rpId, credentialId: cred.id }).catch(() => {});
    }
    throw e;
  }
}

async function register() {
  busy(true);
  try {
    await stopAutofill();
    const name = username.value.trim();
    if (!name) {
      setStatus('registration failed: enter a user name first', { kind: 'error' });
      username.focus();
      return;
    }
    setStatus('creating a passkey…');
    const opts = await api('POST', '/api/register/begin', { username: name });
    const cred = await navigator.credentials.create({ publicKey: creationOptions(opts) });
    await api('POST', '/api/register/finish', credentialJSON(cred));
    setStatus('registered', { kind: 'ok' });
  } catch (e) {
    showError('registration', e);
  } finally {
    busy(false);
  }
}

async function login() {
  busy(true);
  let rpId;
  try {
    await stopAutofill();
    const name = username.value.trim();
    setStatus('waiting for a passkey…');
    // An empty name is a usernameless sign-in: the user picks a passkey.
    const opts = await api('POST', '/api/login/begin', name ? { username: name } : {});
    rpId = opts.rpId;
    const cred = await navigator.credentials.get({ publicKey: requestOptions(opts) });
    await finishLogin(cred, false, rpId);
  } catch (e) {
    showError('sign-in', e);
  } finally {
    busy(false);
  }
}

document.getElementById('register').addEventListener('click', register);
document.getElementById('login').addEventListener('click', login);
username.addEventListener('keydown', (e) => {
  if (e.key === 'Enter' && document.body.dataset.busy !== 'true') login();
});

if (!webauthnSupported()) {
  setStatus('error: this browser does not support passkeys (WebAuthn)', { kind: 'error' });
  busy(true);
} else if (!window.isSecureContext) {
  setStatus('error: passkeys need a secure context (https, or http://localhost)', { kind: 'error' });
  busy(true);
} else {
  startAutofill();
}
