"""Binary-classification metrics and calibration bins shared by training and evaluation."""

from __future__ import annotations

import numpy as np

# ------------------------------------------------------------------------------------- metrics


def binary_metrics(y, proba, n_bins: int = 10) -> dict:
    from sklearn.metrics import brier_score_loss, f1_score, precision_score, recall_score, roc_auc_score

    y = np.asarray(y)
    proba = np.asarray(proba, dtype=np.float64)
    pred = (proba >= 0.5).astype(int)
    out = {
        "n": len(y),
        "macro_f1": float(f1_score(y, pred, average="macro")),
        "precision_biased": float(precision_score(y, pred, zero_division=0)),
        "recall_biased": float(recall_score(y, pred, zero_division=0)),
        "f1_biased": float(f1_score(y, pred, zero_division=0)),
        "accuracy": float((pred == y).mean()),
    }
    if len(set(y.tolist())) == 2 and len(set(np.round(proba, 12).tolist())) > 1:
        out["roc_auc"] = float(roc_auc_score(y, proba))
    out["brier"] = float(brier_score_loss(y, proba))
    out["calibration"] = calibration_bins(y, proba, n_bins)
    return out


def calibration_bins(y, proba, n_bins: int = 10) -> list[dict]:
    edges = np.linspace(0.0, 1.0, n_bins + 1)
    idx = np.clip(np.digitize(proba, edges[1:-1]), 0, n_bins - 1)
    bins = []
    for b in range(n_bins):
        m = idx == b
        if m.any():
            bins.append(
                {
                    "bin": f"{edges[b]:.1f}-{edges[b + 1]:.1f}",
                    "n": int(m.sum()),
                    "mean_predicted": round(float(proba[m].mean()), 4),
                    "fraction_biased": round(float(np.asarray(y)[m].mean()), 4),
                }
            )
    return bins


def _r(x, nd=4):
    if isinstance(x, float):
        return round(x, nd)
    if isinstance(x, dict):
        return {k: _r(v, nd) for k, v in x.items()}
    if isinstance(x, list):
        return [_r(v, nd) for v in x]
    return x
