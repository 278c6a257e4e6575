// Form plumbing shared by the views: reading fields, showing each API error
// as its message next to the field it concerns, and busy buttons.
import { ApiError } from './api.js';

// What a `details[].problem` means, shown after the error's message.
const PROBLEMS = {
  too_short: 'Too short.',
  too_long: 'Too long.',
  invalid_characters: 'Use only letters, digits, and . _ -',
  too_common: 'This password is too common.',
  equals_username: 'The password must not be the username.',
  taken: 'Choose another username.',
  invalid: 'Check the value and try again.',
};

// Errors that name no field in their details but clearly concern one.
const FIELD_OF_CODE = {
  username_taken: 'username',
  totp_required: 'totp',
  invalid_totp: 'totp',
  wrong_password: 'current_password',
  totp_not_enrolled: 'code',
};

export function fieldValues(form) {
  return Object.fromEntries(new FormData(form).entries());
}

export function clearErrors(root) {
  root.querySelectorAll('[data-error-for]').forEach((el) => {
    el.hidden = true;
    el.textContent = '';
  });
  root.querySelectorAll('[aria-invalid]').forEach((el) => el.removeAttribute('aria-invalid'));
}

function showAt(root, field, text) {
  const slot = root.querySelector(`[data-error-for="${field}"]`) ??
    root.querySelector('[data-error-for="form"]');
  if (!slot) return null;
  slot.textContent = slot.hidden ? text : `${slot.textContent} ${text}`;
  slot.hidden = false;
  const input = root.querySelector(`[name="${field}"]`);
  if (input) input.setAttribute('aria-invalid', 'true');
  return input;
}

// Shows `error` (an ApiError) in `root`, focusing the first field concerned.
export function showError(root, error) {
  if (!(error instanceof ApiError)) throw error; // a bug: let it be reported
  clearErrors(root);
  const fields = error.details.filter((d) => d.field);
  let first = null;
  if (fields.length === 0) {
    first = showAt(root, FIELD_OF_CODE[error.code] ?? 'form', error.message);
  } else {
    for (const field of new Set(fields.map((d) => d.field))) {
      const hints = fields.filter((d) => d.field === field).map((d) => PROBLEMS[d.problem] ?? '');
      const input = showAt(root, field, [error.message, ...hints].join(' ').trim());
      first = first ?? input;
    }
  }
  first?.focus();
}

// Runs `work` with `button` disabled and its label set to data-busy.
export async function whileBusy(button, work) {
  const label = button.textContent;
  button.disabled = true;
  button.setAttribute('aria-busy', 'true');
  button.textContent = button.dataset.busy ?? 'Working…';
  try {
    return await work();
  } finally {
    button.disabled = false;
    button.removeAttribute('aria-busy');
    button.textContent = label;
  }
}

// Wires `form`'s submit to `work(values)`; API errors show in the form.
export function onSubmit(form, work) {
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearErrors(form);
    const button = form.querySelector('button[type="submit"]');
    try {
      await whileBusy(button, () => work(fieldValues(form)));
    } catch (error) {
      showError(form, error);
    }
  });
}
