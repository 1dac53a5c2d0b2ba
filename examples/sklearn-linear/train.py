import argparse

import mlflow
import mlflow.sklearn
import pandas as pd
from sklearn.linear_model import SGDRegressor
from sklearn.metrics import mean_absolute_error, mean_squared_error, r2_score
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-path", type=str, default="data.csv")
    parser.add_argument("--alpha", type=float, default=0.5)
    parser.add_argument("--max-iter", type=int, default=100)
    args = parser.parse_args()

    data = pd.read_csv(args.data_path)
    X = data[["feature1", "feature2"]]
    y = data["target"]
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, random_state=42)

    with mlflow.start_run():
        mlflow.log_param("alpha", args.alpha)
        mlflow.log_param("max_iter", args.max_iter)

        # A linear model with elastic-net regularisation of strength `alpha`, trained by stochastic
        # gradient descent for `max_iter` epochs; the validation RMSE after each epoch is the
        # metric's history (one point per step).
        scaler = StandardScaler().fit(X_train)
        X_train_scaled, X_test_scaled = scaler.transform(X_train), scaler.transform(X_test)
        regressor = SGDRegressor(
            alpha=args.alpha, penalty="elasticnet", learning_rate="invscaling", eta0=0.002, random_state=42
        )
        for epoch in range(args.max_iter):
            regressor.partial_fit(X_train_scaled, y_train)
            val_rmse = mean_squared_error(y_test, regressor.predict(X_test_scaled)) ** 0.5
            mlflow.log_metric("val_rmse", val_rmse, step=epoch)

        model = make_pipeline(scaler, regressor)
        predictions = model.predict(X_test)
        r2 = r2_score(y_test, predictions)
        mlflow.log_metric("r2_score", r2)
        mlflow.log_metric("rmse", mean_squared_error(y_test, predictions) ** 0.5)
        mlflow.log_metric("mae", mean_absolute_error(y_test, predictions))

        mlflow.sklearn.log_model(model, name="model")
        print(f"r2_score: {r2:.4f}")


if __name__ == "__main__":
    main()
