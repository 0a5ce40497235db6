"""Carol's scratch work: plotting the loss of her training runs. Not part of the assignment."""


def plot_losses(losses, title="training loss"):
    import matplotlib.pyplot as plt

    plt.plot(losses)
    plt.title(title)
    plt.show()
