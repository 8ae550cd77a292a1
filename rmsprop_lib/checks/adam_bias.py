"""Adam's bias correction and the mistakes made in it (a part of the ``adam`` exercise)."""
import numpy as np

from ._engine import collector

MISTAKES = []
mistake = collector(MISTAKES)

_START = "what m_new and v_new are during the first steps, when they start at 0."
_T = "the power of beta in the bias correction: what is t on the first update?"


@mistake("no_bias_correction",
         headline="the first updates have the wrong size",
         look=_START,
         fix="both averages start at 0 and are too small during the first steps; divide them by `1 - "
             "beta1**t` and `1 - beta2**t`.",
         did="it used m_new and v_new as they are: with beta1 = 0.9 and beta2 = 0.999 its first update is about "
             "3.2 times lr in every coordinate, whatever the gradient.")
def no_correction(grad, m, v, t, lr, beta1, beta2, eps):
    m_new = beta1 * m + (1 - beta1) * grad
    v_new = beta2 * v + (1 - beta2) * grad**2
    return lr * m_new / (np.sqrt(v_new) + eps), m_new, v_new


@mistake("no_bias_correction",
         headline="one moment is corrected, the other is not",
         look=_START,
         fix="divide v_new by `1 - beta2**t` as well.",
         did="it corrected m but not v.")
def v_not_corrected(grad, m, v, t, lr, beta1, beta2, eps):
    m_new = beta1 * m + (1 - beta1) * grad
    v_new = beta2 * v + (1 - beta2) * grad**2
    return lr * (m_new / (1 - beta1**t)) / (np.sqrt(v_new) + eps), m_new, v_new


@mistake("no_bias_correction",
         headline="one moment is corrected, the other is not",
         look=_START,
         fix="divide m_new by `1 - beta1**t` as well.",
         did="it corrected v but not m.")
def m_not_corrected(grad, m, v, t, lr, beta1, beta2, eps):
    m_new = beta1 * m + (1 - beta1) * grad
    v_new = beta2 * v + (1 - beta2) * grad**2
    return lr * m_new / (np.sqrt(v_new / (1 - beta2**t)) + eps), m_new, v_new


@mistake("bias_correction_off_by_one",
         headline="the bias correction counts the updates differently",
         look=_T,
         fix="t is the number of THIS update, starting at 1: use `beta**t` as given, do not subtract 1.",
         did="its bias correction uses `beta**(t - 1)`, which divides by zero on the first update.")
def correction_t_minus_1(grad, m, v, t, lr, beta1, beta2, eps):
    m_new = beta1 * m + (1 - beta1) * grad
    v_new = beta2 * v + (1 - beta2) * grad**2
    return lr * (m_new / (1 - beta1**(t - 1))) / (np.sqrt(v_new / (1 - beta2**(t - 1))) + eps), m_new, v_new


@mistake("bias_correction_off_by_one",
         headline="the bias correction counts the updates differently",
         look=_T,
         fix="t already counts this update (it is 1 on the first one): use `beta**t` as given, do not add 1.",
         did="its bias correction uses `beta**(t + 1)`.")
def correction_t_plus_1(grad, m, v, t, lr, beta1, beta2, eps):
    m_new = beta1 * m + (1 - beta1) * grad
    v_new = beta2 * v + (1 - beta2) * grad**2
    return lr * (m_new / (1 - beta1**(t + 1))) / (np.sqrt(v_new / (1 - beta2**(t + 1))) + eps), m_new, v_new


FOLDED = ("either divide the moments (`m_hat = m_new / (1 - beta1**t)`, `v_hat = v_new / (1 - beta2**t)`), or "
          "fold the correction into the learning rate, `lr_t = lr * np.sqrt(1 - beta2**t) / (1 - beta1**t)`, "
          "with the raw m_new and v_new AND epsilon rescaled the same way: "
          "`update = lr_t * m_new / (np.sqrt(v_new) + eps * np.sqrt(1 - beta2**t))`. The two give the same "
          "numbers; never apply both.")


@mistake("double_bias_correction", headline="the early updates are far too small",
         did="it corrected m and v AND multiplied the learning rate by `sqrt(1 - beta2**t) / (1 - beta1**t)`.",
         look="how many times `1 - beta1**t` and `1 - beta2**t` appear in your update.", fix=FOLDED)
def corrected_twice(grad, m, v, t, lr, beta1, beta2, eps):
    lr_t = lr * np.sqrt(1 - beta2**t) / (1 - beta1**t)
    m_new = beta1 * m + (1 - beta1) * grad
    v_new = beta2 * v + (1 - beta2) * grad**2
    return lr_t * (m_new / (1 - beta1**t)) / (np.sqrt(v_new / (1 - beta2**t)) + eps), m_new, v_new


@mistake("folded_bias_correction", headline="the folded bias correction is not quite the same rule",
         did="it used the folded form `lr_t = lr * np.sqrt(1 - beta2**t) / (1 - beta1**t)` with the raw m_new "
             "and v_new, and kept `+ eps` as it is.",
         look="epsilon: in the unfolded rule it is added to `np.sqrt(v_hat)`; what is it added to in yours?",
         fix=FOLDED)
def folded_plain_eps(grad, m, v, t, lr, beta1, beta2, eps):
    lr_t = lr * np.sqrt(1 - beta2**t) / (1 - beta1**t)
    m_new = beta1 * m + (1 - beta1) * grad
    v_new = beta2 * v + (1 - beta2) * grad**2
    return lr_t * m_new / (np.sqrt(v_new) + eps), m_new, v_new
