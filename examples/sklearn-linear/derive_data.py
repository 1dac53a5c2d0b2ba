"""Derives data.csv once from scikit-learn's bundled diabetes dataset (Efron et al., 2004).

feature1 = bmi (body mass index), feature2 = s5 (log of serum triglycerides),
target = a quantitative measure of disease progression one year after baseline.
All 442 patients, unscaled values. Run: python derive_data.py  (needs scikit-learn, pandas)
"""
from sklearn.datasets import load_diabetes

frame = load_diabetes(scaled=False, as_frame=True).frame
out = frame[["bmi", "s5", "target"]].rename(columns={"bmi": "feature1", "s5": "feature2"})
out.to_csv("data.csv", index=False)
print(f"wrote data.csv: {len(out)} rows")
