"""The model card (models/MODEL_CARD.md), written from the numbers in models/metrics.json."""

from __future__ import annotations

from annotator.model.data import MODEL_FILE
from annotator.model.training import MODEL_NAME, feedback_table

VECTOR_VOCAB_NOTE = "34k words (the encoder's whole-word vocabulary plus the words of the data and word lists)"


# Ideas measured while building the shipped recipe and not kept (not recomputed by `annotator evaluate`).
TRIED_NOTE = [
    "Tried and not kept (stratified 5-fold CV macro-F1 on the training part, split seed 42, before opinion",
    "stacking; the shipped recipe without stacking scores 0.772 on these folds): MBIC crowd-marked words as extra",
    "marking data for the marked-word rates (0.767–0.771), TF-IDF columns reweighted by naive-Bayes ratios",
    "(0.751–0.770) or by marked-word rates (0.768–0.770), a second marked-rate block without stemming (0.770),",
    "marked rates split into the author's and the quoted words (0.772), character n-grams 3–5 / 2–4 / 3–6",
    "(0.770 / 0.770 / 0.772), word 1–3-grams (0.775; +0.002 on average over 4 split seeds), averaging the",
    "logits of up to three differently configured models (≤ 0.777, best of 200 combinations), down-weighting",
    "sentences where MBIC's crowd disagrees with the experts (0.775), and the MBIC crowd label as the auxiliary",
    "label (0.765).",
    "Opinion stacking was kept: +0.0045 on average over 4 split seeds (0.7717 → 0.7789 on seed 42).",
    "",
    "Second round (stratified 5-fold CV on all of SG2, mean over split seeds 1, 2, 3; the recipe before this round",
    "scores 0.774): the word vectors were kept (plain mean 0.779, TF-IDF-weighted mean 0.779, weight 2; with",
    "stop words removed 0.776 on seed 42; standardised 0.773–0.777; 64 PCA dimensions 0.781 vs 128 dimensions 0.782",
    "with the centre-outlet label). A full MiniLM sentence embedding (the transformer run on every sentence, not",
    "kept: far too slow for this tool) reaches 0.790 on seed 42, which bounds what the distilled vectors can give.",
    "Auxiliary labels beside the opinion label: outlet rated centre 0.782 (kept: BABE's own metadata), a",
    "hand-picked 'partisan outlet' set 0.782 (not kept: choosing the set looked at the bias rates), both 0.782.",
    "Not kept: BABE's bias-word lexicon (bias_word_lexicon.xlsx) as a word-list count (0.775 vs 0.774; 0.779 vs",
    "0.779 with the vectors), word 1–3-grams with the vectors (0.778), C = 2 / 5 (0.780 / 0.778).",
    "Those comparisons used CV on all of SG2, whose folds include the test-split sentences; a check on the",
    "training part alone (test split excluded, split seeds 1–5) gives: previous recipe 0.768, + word vectors",
    "0.775 (better on 4 of 5 seeds), previous + centre-outlet label 0.770, shipped 0.775, shipped without",
    "character n-grams 0.774 (0.780 on all of SG2, seeds 1, 2, 3, 42). So the vectors' gain holds; the",
    "centre-outlet label's (+0.0025 on all of SG2, +0.0002 on the training part) is within noise, and the",
    "shipped model's CV macro-F1 clears 0.78 by less than one fold's standard deviation (with split seeds",
    "1 to 5 instead of 42: mean 0.781, range 0.778–0.785).",
    "",
    "Third round, for speed (`bench/bench_sentence_variants.py`: stratified 5-fold CV on the training part,",
    "split seeds 42, 1, 2, the stacked score with the loaded-word evidence refitted in every fold; the rule,",
    "fixed beforehand, was to ship the cheapest variant within 0.003 of the character 2–5-gram block): 2–5",
    "min_df 2 0.7860, 2–4 min_df 2 0.7848 (shipped: the classifier scores a new article in 5–11% less",
    "time), 3–5 min_df 5 0.7809, 2–5 top 20,000 n-grams 0.7827, no character n-grams 0.7803 (the classifier",
    "alone scores the same without them, 0.7776 vs 0.7774, but gains less from the word evidence when stacked).",
    "",
    "Fourth round, for speed again (the same bench, `--group nochar`; `annotate()` on an 8 KB article has to stay",
    "within twice the time of VADER with Punkt splitting, and the character n-grams were about half of the",
    "classifier's scoring time): the character n-grams were dropped. The rule, fixed beforehand: among three",
    "configurations without them, none scoring more than 5% slower than the plain one, ship the best stacked CV",
    "macro-F1. Character 2–4-grams (shipped until then) 0.7861; no character n-grams 0.7806 (shipped: −0.0055;",
    "the classifier alone 0.7776 vs 0.7794); the same with the word-vector block weighted 3 instead of 2, 0.7766;",
    "with word n-grams seen in at least two training sentences, 0.7792. The classifier then scores the article's",
    "sentences, seen for the first time, in 1.1x the time VADER + Punkt take instead of 2.1x. The ablation",
    "above measures the block again on this model's folds (`all + char tf-idf`). On the held-out test split,",
    "retrained without them, the stacked score went from 0.818 to 0.810 macro-F1 at the 0.5 threshold (ROC-AUC",
    "0.887 → 0.888, Brier 0.136 both), the classifier alone from 0.792 to 0.795; BASIL sentence ROC-AUC from",
    "0.639 to 0.646 (stacked) and 0.620 to 0.632 (alone).",
]


def ngram_blocks(config: dict) -> str:
    """The TF-IDF blocks of a training configuration in words, e.g. "word 1–2-gram TF-IDF + character
    2–5-gram TF-IDF (`char_wb`)" (the card describes the model that was trained, not today's default)."""
    parts = []
    for key, label in (("word", "word"), ("char", "character")):
        block = config.get(key)
        if block:
            lo, hi = block.get("ngram_range", (1, 1))
            parts.append(f"{label} {lo}–{hi}-gram TF-IDF" + (" (`char_wb`)" if key == "char" else ""))
    return " + ".join(parts) or "no n-gram TF-IDF"


def model_card(m: dict) -> str:
    rec, cv, test, loo = m["model"], m["cv_5fold"], m["test"], m["leave_one_outlet_out"]
    names = {
        "model": "**this model**",
        "plain_word_tfidf_lr": "plain word TF-IDF + LogisticRegression",
        "lexicon_hits_only": "lexicon hits only (Recasens counts + LR)",
        "majority_class": "majority class",
    }

    def g(d, k):
        v = d.get(k)
        return "–" if v is None else f"{v:.3f}"

    lines = [
        f"# Model card: {rec.get('name') or MODEL_NAME} (`{rec.get('file', MODEL_FILE)}`)",
        "",
        f"model_id `{rec['sha256'][:12]}` · trained {rec['trained_at']} · {rec['n_train']} training sentences · "
        f"scikit-learn {rec['versions']['sklearn']}, numpy {rec['versions']['numpy']}, "
        f"Python {rec['versions']['python']}",
        "",
        "## What it is",
        "",
        f"A scikit-learn `Pipeline`: {ngram_blocks(rec.get('config', {}))} + scaled counts of",
        "Recasens et al. (2013) bias-related word lists, VADER valence sums, quote features and the rate at which",
        "annotators marked each word as biased in the training data → logistic regression.",
        *(
            [
                "Each sentence also gets the TF-IDF-weighted mean of static word vectors: 128-dimensional vectors",
                f"for {VECTOR_VOCAB_NOTE},",
                "distilled from the sentence encoder all-MiniLM-L6-v2 (Apache-2.0) by encoding each word on its own",
                "(`scripts/distill_word_vectors.py`, the only step that needs PyTorch; the vectors",
                "ship as `annotator/data/word_vectors.npz`"
                + (f", SHA-256 `{rec['word_vectors']['sha256'][:12]}`" if rec.get("word_vectors") else "")
                + "). No neural network runs when scoring, and because the mean",
                "is linear each word's share of the score is still exact. The vectors let the model generalise to",
                "words it never saw in training (similar words get similar weights).",
            ]
            if rec.get("config", {}).get("embedding")
            else []
        ),
        *(
            [
                "The logistic regression is helped by auxiliary ones on the same features that learn two related",
                "labels of the training sentences: BABE's \"expresses the writer's opinion\" (given by the same",
                "experts) and whether the sentence's outlet is rated centre (BABE's outlet leaning: Reuters and USA",
                "Today; BABE gives no leaning for 1,000 sentences, which that model skips). Their logits, cross-fitted",
                "on the training sentences, are extra inputs, and after fitting everything collapses exactly into one",
                "set of weights (`AuxStackedLogisticRegression`), so nothing changes at prediction time. The outlet",
                "label teaches the model what wire-style reporting reads like; it is never an input, and the",
                "leave-one-outlet-out scores below measure outlets the model never saw.",
            ]
            if rec.get("config", {}).get("aux_stack")
            else []
        ),
        "The final model is linear: a sentence's log-odds is the sum of coefficient × feature value, and",
        "`annotator.model.sentence` attributes each contribution to a word of the sentence (the `top_terms`",
        "shown in the app). The output is the logistic probability, whose calibration is measured below (Brier score,",
        "reliability bins).",
        "",
        "## Data",
        "",
        "BABE – Bias Annotations By Experts, subgroup SG2 (`final_labels_SG2.csv`): 3,673 English news sentences",
        "from 11 US outlets (2017–2020ish, US politics and society), labelled Biased / Non-biased by expert",
        'majority vote, with the words annotators marked as biased (one sentence with "No agreement" dropped).',
        "T. Spinde, M. Plank, J.-D. Krieger, T. Ruas, B. Gipp, A. Aizawa. *Neural Media Bias Detection Using Distant",
        "Supervision With BABE – Bias Annotations By Experts*. Findings of EMNLP 2021. Licence: **AGPL-3.0**; the",
        "model is derived from this data. Word lists: Recasens, Danescu-Niculescu-Mizil & Jurafsky (2013), ACL (MIT,",
        "via rpryzant/neutralizing-bias); VADER lexicon from the `vaderSentiment` package (MIT). MBIC crowd labels",
        "(Spinde et al. 2021) are used for evaluation only (tried as extra marked words and as an auxiliary label,",
        "they did not improve cross-validation).",
        "",
        "## Intended use",
        "",
        "Flag sentences that *read* as biased so that a journalist or editor looks at them again. It is not a",
        "verdict on a sentence, an author or an outlet: "
        f"{1 - test['model']['accuracy']:.0%} of its test-split calls disagree with the",
        "experts, and the experts themselves disagree with crowd annotators on many sentences (see below).",
        "",
        "## Metrics (threshold 0.5)",
        "",
        "| | 5-fold CV macro-F1 (all SG2) | test macro-F1 | test precision | test recall | test ROC-AUC | test Brier |",
        "|---|---|---|---|---|---|---|",
    ]
    for k in ("model", "plain_word_tfidf_lr", "lexicon_hits_only", "majority_class"):
        c, t = cv[k], test[k]
        lines.append(
            f"| {names[k]} | {c['macro_f1_mean']:.3f} ± {c['macro_f1_std']:.3f} | {t['macro_f1']:.3f} | "
            f"{t['precision_biased']:.3f} | {t['recall_biased']:.3f} | {g(t, 'roc_auc')} | {t['brier']:.3f} |"
        )
    lines += [
        "",
        "Published anchor: BABE's BERT with distant supervision reaches 0.804 macro-F1 (5-fold CV on SG2).",
        f"Protocol: {m['protocol']['cv']}. Test split: {m['protocol']['test_split']}.",
        "",
        "Calibration on the test split (predicted probability vs fraction biased):",
        "",
        "| bin | n | mean predicted | fraction biased |",
        "|---|---|---|---|",
    ]
    for b in test["model"]["calibration"]:
        lines.append(f"| {b['bin']} | {b['n']} | {b['mean_predicted']:.3f} | {b['fraction_biased']:.3f} |")
    lines += [
        "",
        "### Leave-one-outlet-out (train on the other outlets)",
        "",
        "| outlet | n | biased share | macro-F1 | accuracy |",
        "|---|---|---|---|---|",
    ]
    for o, v in loo["model"]["per_outlet"].items():
        lines.append(f"| {o} | {v['n']} | {v['biased_share']:.2f} | {v['macro_f1']:.3f} | {v['accuracy']:.3f} |")
    lines += [
        "",
        f"Mean macro-F1 over outlets with ≥ 30 sentences: **{loo['model']['mean_macro_f1_outlets_n_ge_30']:.3f}** "
        f"(plain TF-IDF baseline {loo['plain_word_tfidf_lr']['mean_macro_f1_outlets_n_ge_30']:.3f}); pooled "
        f"{loo['model']['pooled_macro_f1']:.3f}. Per-outlet macro-F1 is low where an outlet is nearly all one class",
        "(macro-F1 then punishes the few minority sentences); accuracy is shown beside it.",
        "",
        "### Word level (test split)",
        "",
        "| predicted words | precision | recall | F1 |",
        "|---|---|---|---|",
    ]
    for k in ("model_top_positive", "lexicon_hits", "model_plus_lexicon"):
        v = m["word_level"][k]
        lines.append(f"| {k} | {v['precision']:.3f} | {v['recall']:.3f} | {v['f1']:.3f} |")
    lines += ["", m["word_level"]["note"] + ".", ""]
    c = m["crowd_vs_experts"]
    if c.get("n"):
        lines += [
            "### Crowd (MBIC) vs experts (SG2), test-split sentences also in MBIC",
            "",
            f"n = {c['n']}. Agreement (Cohen's κ): model vs experts {c['model_vs_expert_agreement']:.3f} "
            f"({c['model_vs_expert_kappa']:.3f}); model vs crowd {c['model_vs_crowd_agreement']:.3f} "
            f"({c['model_vs_crowd_kappa']:.3f}); crowd vs experts {c['crowd_vs_expert_agreement']:.3f} "
            f"({c['crowd_vs_expert_kappa']:.3f}). The crowd calls {c['crowd_biased_share']:.0%} of these sentences "
            f"biased, the experts {c['expert_biased_share']:.0%}.",
            "",
        ]
    if m.get("ablation"):
        lines += [
            "### Feature ablation (stratified 5-fold CV macro-F1 on the training part only)",
            "",
            "| features | macro-F1 |",
            "|---|---|",
        ]
        for k, v in m["ablation"].items():
            lines.append(
                f"| {k} | "
                + ("not available" if v is None else f"{v['macro_f1_mean']:.3f} ± {v['macro_f1_std']:.3f}")
                + " |"
            )
        lines += ["", *TRIED_NOTE, ""]
    fb = m.get("feedback")
    if fb:
        lines += [
            "### Reviewer feedback",
            "",
            f"Trained with a newsroom's reviewer decisions ({fb['database']}): {fb['decisions']} decisions gave "
            f"{fb['labelled_sentences']} labelled sentences; {fb['added']} were added as training rows, "
            f"{fb['relabelled']} training sentences took the reviewers' label, {fb['dropped_test_split']} were "
            "dropped because they are in the test split. Test split, same seed:",
            "",
            "```",
            feedback_table(fb),
            "```",
            "",
            "Cross-validation and leave-one-outlet-out numbers above are for the training recipe on SG2 alone.",
            "",
        ]
    if m.get("loaded_word"):
        lines += loaded_word_lines(m["loaded_word"])
    if m.get("sentence_stack"):
        lines += stack_lines(m["sentence_stack"])
    lines += [
        "## Known limits",
        "",
        "- Domain: US politics and society news, roughly 2017–2020, 11 outlets; other topics, countries and",
        "  registers (opinion columns, wire copy from elsewhere) are out of distribution.",
        "- English only; sentence level (no article context, no speaker: a biased *quote* can make a sentence",
        "  score high even when the reporter's own words are neutral).",
        "- Outlet effects: outlets differ sharply in their share of biased sentences (Reuters ≈ 10%, Alternet ≈ 75%),",
        "  and a bag-of-words model partly learns outlet style; leave-one-outlet-out scores above show how much",
        "  is lost on an unseen outlet.",
        "- Explanations show which words the linear model weighed, not why a human finds the sentence biased"
        + (
            ";\n  character n-gram weights are attributed to the whitespace token they came from."
            if rec.get("config", {}).get("char")
            else "."
        ),
        "- Labels are expert majority votes on a subjective task; crowd annotators disagree with them often.",
        "",
        "## Retrain / re-evaluate",
        "",
        "```",
        "annotator train      # or: python -m annotator.train train [--data-dir DIR] [--out models] [--seed 42]",
        "annotator evaluate   # or: python -m annotator.train evaluate  (rewrites metrics.json and this card)",
        "annotator train --feedback feedback.sqlite3 --out newsroom-model   # add reviewers' decisions",
        "ANNOTATOR_MODEL_DIR=newsroom-model annotator annotate article.txt  # app and CLI use that model",
        "```",
        "",
        "`--feedback DB` adds the sentences reviewers agreed or disagreed with (see `annotator.feedback`) as",
        "training rows, never a sentence of the test split, relabels training sentences they judged, and",
        "prints and records (metrics.json → `feedback`) the test-split macro-F1 and Brier score of the model",
        "trained without and with them (same seed). `--out DIR` writes the model, metrics.json and test split to",
        "a folder of its own; `ANNOTATOR_MODEL_DIR=DIR` makes the app, the CLI and `BiasModel.load()` use",
        "`DIR/bias_model.skops` (checked against `DIR/metrics.json`) instead of the bundled `models/`.",
        "",
        "Data are read from `../shared/data` (or `--data-dir`, or `$ANNOTATOR_DATA_DIR`) and never copied into the",
        "repository. Training is deterministic for a given seed and library versions (recorded in metrics.json):",
        "a retrained model gives identical predictions, but the file's bytes (and so its SHA-256 / model_id)",
        "differ between runs because the skops zip archive records write times. `annotator train` rewrites",
        "metrics.json with the new SHA-256 (the loader refuses a model file whose hash does not match it);",
        "run `annotator evaluate` afterwards to recompute the full evaluation and this card.",
        "",
    ]
    return "\n".join(lines)


def _f(v) -> str:
    return "–" if v is None else f"{v:.3f}"


_FLAG_SOURCES = {
    "lexicon": "curated lexicon",
    "detector": "loaded-word detector",
    "both": "lexicon + detector (the app)",
    "subjective_list": "baseline: Recasens NPOV + Riloff strong subjectives",
}


def loaded_word_lines(lw: dict) -> list[str]:
    """The card's section on the loaded-word detector (models/loaded_words.npz)."""
    rec = lw.get("model", {})
    cv = rec.get("cv", {})
    lines = [
        "## The loaded-word detector (`loaded_word`, models/loaded_words.npz)",
        "",
        "A second linear model scores every word of a sentence in context: the word itself (its stem, its distilled",
        "word vector, membership in the Recasens/Riloff lists, VADER valence, the project's lexicon), the words",
        "before and after it and the pair it forms with each (pairs seen 3+ times in training), the sentence's",
        "tone (mean vector of its content words) and how it stands (a capitalised name, all capitals, inside",
        "quotation marks). Labels: the words BABE's experts marked as",
        f"biased in the training part ({rec.get('n_training_sentences', '–')} sentences; the test split is never",
        "seen). The fitted logistic regression is collapsed into per-word score tables, so each flag splits",
        "exactly into what the word, its neighbours and the sentence contributed; stored as plain arrays (npz, no",
        "pickle).",
        "",
        f"Threshold {rec.get('threshold', '–')}: the one with the best token F1 in 5-fold cross-validation on the",
        f"training part (CV token F1 {_f(cv.get('cv_f1'))}, ROC-AUC {_f(cv.get('cv_auc'))}"
        + (f", average precision {_f(cv['cv_ap'])}" if cv.get("cv_ap") is not None else "")
        + ").",
        *(
            [
                "Weighing precision twice as much as recall (F0.5), the same folds would choose"
                f" {cv['other']['threshold']}",
                f"(CV precision {_f(cv['other']['cv_precision'])}, recall {_f(cv['other']['cv_recall'])}): a stricter"
                " setting for the app's confidence slider.",
            ]
            if isinstance(cv.get("other"), dict) and cv["other"].get("objective") == "F0.5"
            else []
        ),
        "It is never tuned on the test split or on BASIL. Lexicon flags show the model's in-context probability",
        "but are not dropped by it: on the project's literal-use tests it missed a loaded use ('slashed prices')",
        "and removed no literal one, so literal senses are handled by each entry's curated `literal_context` words.",
        "",
    ]
    babe = lw.get("babe_test")
    if babe:
        t = babe["model_tokens"]
        lines += [
            f"### Word level, BABE test split ({t['n_sentences']} sentences, {t['n_marked']} marked words)",
            "",
            f"Detector tokens: precision {_f(t['precision'])}, recall {_f(t['recall'])}, **F1 {_f(t['f1'])}**,"
            f" ROC-AUC {_f(t['roc_auc'])}, Brier {_f(t['brier'])}.",
            "",
            "| flags from | precision | recall | F1 |",
            "|---|---|---|---|",
        ]
        for key, label in _FLAG_SOURCES.items():
            r = babe["spans"].get(key)
            if r:
                lines.append(f"| {label} | {_f(r['precision'])} | {_f(r['recall'])} | {_f(r['f1'])} |")
        lines.append("")
    basil = lw.get("basil")
    if basil:
        lines += [
            "### Span level, BASIL (300 articles from Fox News, the New York Times and HuffPost; evaluation only)",
            "",
            "Out of domain: no BASIL text was used to train or to choose any threshold. Recall: share of the 480",
            "lexical-bias spans that a flag overlaps. Precision: share of flags inside any annotated bias span",
            "(lexical or informational; about 10% of all words are).",
            "",
            "| flags from | lexical recall | precision | flags per 1,000 words |",
            "|---|---|---|---|",
        ]
        for key, label in _FLAG_SOURCES.items():
            r = basil.get(key)
            if r:
                lines.append(
                    f"| {label} | {_f(r['recall_lexical'])} | {_f(r['precision'])} | {r['flags_per_1000_words']} |"
                )
        lines.append("")
    sentence_auc = lw.get("basil_sentence_auc")
    if sentence_auc:
        lines += [
            "### Sentence level, BASIL",
            "",
            f'ROC-AUC of the sentence classifier for "the sentence holds a lexical or informational bias span" over'
            f" {sentence_auc['n_sentences']} sentences ({sentence_auc['positive_share']:.0%} positive):"
            f" {_f(sentence_auc['roc_auc'])}.",
            "",
        ]
    lines += [
        "Limits: the detector learned from US political news sentences marked by BABE's experts; its context",
        "window is one word either side plus the sentence's tone, so a literal sense far from its cue ('the",
        "audience laughed ... hysterically') can still be flagged. Its flags are suggestions, shown apart from",
        "the curated list's.",
        "",
    ]
    return lines


def stack_lines(st: dict) -> list[str]:
    """The card's section on sentence scores stacked with word evidence (models/sentence_stack.json)."""
    rec = st.get("record", {})
    w = rec.get("weights", {})
    oof = rec.get("oof_cv_macro_f1", {})
    test = st.get("test", {})
    lines = [
        "## Sentence scores grounded in words (models/sentence_stack.json)",
        "",
        "The score the app shows stacks the classifier with the loaded-word detector: log-odds = "
        f"{rec.get('intercept', 0):+.3f} {w.get('logit', 0):+.3f} × classifier log-odds {w.get('sum', 0):+.3f} ×",
        f"(sum of the sentence's word probabilities) {w.get('max', 0):+.3f} × (the largest) {w.get('count', 0):+.3f}"
        " × (words flagged).",
        "The weights are a logistic regression on out-of-fold values for the training part (both models",
        "refitted in every fold). Each part is credited to words, so `top_terms` stay exact: a flagged word",
        "carries its own evidence besides the classifier's weight for it.",
        "",
        "| | classifier alone | stacked |",
        "|---|---|---|",
        f"| out-of-fold CV macro-F1, training part | {_f(oof.get('sentence_alone'))} | {_f(oof.get('stacked'))} |",
    ]
    alone, both = test.get("sentence_alone", {}), test.get("stacked", {})
    for key, label in (("macro_f1", "test macro-F1"), ("roc_auc", "test ROC-AUC"), ("brier", "test Brier")):
        lines.append(f"| {label} | {_f(alone.get(key))} | {_f(both.get(key))} |")
    basil = st.get("basil_sentence_auc")
    if basil:
        lines.append(
            f"| BASIL sentence ROC-AUC ({basil['n_sentences']} sentences, out of domain) | "
            f"{_f(basil.get('sentence_alone'))} | {_f(basil.get('stacked'))} |"
        )
    lines += ["", "Other numbers on this card (CV, leave-one-outlet-out, ablation) are for the classifier alone.", ""]
    return lines
