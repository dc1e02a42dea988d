"""Predict with one of our XGBoost JSON models, as a scientist would.

usage: xgb_predict.py MODEL.json X.bin NROW NCOL OUT.bin

X.bin holds NROW*NCOL little-endian float32 values, row-major, NaN missing.
OUT.bin receives inplace_predict's and then predict(DMatrix)'s results as
float32; stdout the model's feature names as JSON.
"""
import json
import sys

import numpy as np
import xgboost as xgb

model, xpath, nrow, ncol, out = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
booster = xgb.Booster(model_file=model)
x = np.fromfile(xpath, dtype="<f4").reshape(nrow, ncol)
a = booster.inplace_predict(x, missing=np.nan)
b = booster.predict(xgb.DMatrix(x, missing=np.nan, feature_names=booster.feature_names))
np.concatenate([a, b]).astype("<f4").tofile(out)
print(json.dumps(booster.feature_names))
