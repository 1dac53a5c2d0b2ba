import argparse

import mlflow
import mlflow.sklearn
import pandas as pd
from sklearn.linear_model import LinearRegression
from sklearn.metrics import r2_score
from sklearn.model_selection import train_test_split


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

        model = LinearRegression()
        model.fit(X_train, y_train)

        predictions = model.predict(X_test)
        r2 = r2_score(y_test, predictions)
        mlflow.log_metric("r2_score", r2)

        mlflow.sklearn.log_model(model, name="model")
        print(f"r2_score: {r2:.4f}")


if __name__ == "__main__":
    main()
