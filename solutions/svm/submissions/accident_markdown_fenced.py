"""The train_linear_svm solution cell turned into Markdown, with a ```python fence around the code."""

from autograder.submissions import to_markdown

ASSIGNMENT = "svm"
KIND = "accident"
DESCRIPTION = ("correct code, but the train_linear_svm cell was turned into a Markdown cell and the student "
               "wrapped it in a ```python fence to make it look right; others: reference code")

CELLS = {}


def NOTEBOOK(nb):
    to_markdown(nb, "train_linear_svm", fence=True)


# Recoverable accident: graded, with a note (issue 12).
EXPECT = {"test_hinge_loss_and_grad": 3, "test_train_linear_svm": 3}
EXPECT_NOTES = ["train_linear_svm.*(markdown|raw)"]
