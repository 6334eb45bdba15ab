// Account mail flows in the browser: ask for a password-reset link, set a new password from the link, confirm the
// address from a verification link. The answers never say whether an address has an account.
import { h, field } from './dom.js';
import { t } from './i18n.js';
import * as api from './api.js';

const problemText = (error) => (error instanceof api.OfflineError ? t('offline') : error?.message || t('error'));

/** "Forgot password?": mails a reset link if an account has the address. */
export function forgotPasswordForm(prefill = '') {
  const email = h('input', { type: 'email', name: 'email', autocomplete: 'username', required: true, value: prefill });
  const status = h('p#reset-requested', { role: 'status' });
  const error = h('p.error', { role: 'alert' });
  const button = h('button.primary', { type: 'submit' }, t('send_reset_link'));
  return h('form.card.login#forgot-form', { on: { submit: async (event) => {
    event.preventDefault();
    error.textContent = status.textContent = '';
    try {
      await api.request('/v1/auth/password-reset', { method: 'POST', body: { email: email.value.trim() }, auth: false });
      status.textContent = t('reset_requested');
      button.disabled = true;
    } catch (e) { error.textContent = problemText(e); }
  } } },
  h('h1', t('reset_password')), field(t('email'), email), status, error, button,
  h('p', h('a', { href: '/login' }, t('back_to_login'))));
}

/** The page a mailed link opens: `reset` asks for the new password; `verify` confirms at once. */
export function accountLinkView(kind, token, done) {
  return kind === 'reset' ? resetForm(token, done) : verifyView(token, done);
}

function resetForm(token, done) {
  const password = h('input', { type: 'password', name: 'new_password', autocomplete: 'new-password', required: true, minLength: 12 });
  const again = h('input', { type: 'password', name: 'new_password_again', autocomplete: 'new-password', required: true });
  const error = h('p.error', { role: 'alert' });
  return h('form.card.login#reset-form', { on: { submit: async (event) => {
    event.preventDefault();
    error.textContent = '';
    if (password.value !== again.value) { error.textContent = t('passwords_differ'); return; }
    try {
      await api.request('/v1/auth/password-reset/confirm', { method: 'POST', body: { token, new_password: password.value }, auth: false });
      // Every session of the account was revoked, this browser's included.
      if (api.currentUser()) await api.logout();
      done();
      document.getElementById('toasts')?.append(h('div.toast', t('password_changed')));
    } catch (e) { error.textContent = e.status === 400 ? t('link_expired') : problemText(e); }
  } } },
  h('h1', t('reset_password')), field(t('new_password'), password, t('password_rule')), field(t('password_repeat'), again),
  error, h('button.primary#reset-submit', { type: 'submit' }, t('save')));
}

function verifyView(token, done) {
  const status = h('p#verify-status', { role: 'status' }, t('loading'));
  const next = h('button.primary', { type: 'button', hidden: true, on: { click: done } }, t('continue'));
  api.request('/v1/auth/verify-email', { method: 'POST', body: { token }, auth: false })
    .then(() => { status.textContent = t('email_verified'); })
    .catch((e) => { status.textContent = e.status === 400 ? t('link_expired') : problemText(e); status.className = 'error'; })
    .finally(() => { next.hidden = false; });
  return h('section.card.login', h('h1', t('verify_email')), status, next);
}
