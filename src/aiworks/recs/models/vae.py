"""Mult-VAE (Liang et al. 2018, "Variational Autoencoders for Collaborative Filtering") in PyTorch, CPU.

Why it is here: a non-linear, multinomial-likelihood model whose errors differ from EASE's and ALS's (on seed 42's
validation split it scores like EASE alone, and a third of its top-10 is in neither of theirs), so it is a
re-ranker member. Small on purpose: one 200-d latent layer, trained full-catalogue on every user's row in seconds.
"""

from __future__ import annotations

import numpy as np

from aiworks.recs.data import Interactions
from aiworks.recs.models.base import BaseRecommender


class MultVAERecommender(BaseRecommender):
    """Encoder 1 linear layer -> (mu, logvar), decoder tanh -> linear -> softmax over items; KL annealed to ``beta``."""

    name = "multvae"

    def __init__(
        self,
        hidden: int = 200,
        epochs: int = 100,
        dropout: float = 0.5,
        beta: float = 0.2,
        lr: float = 1e-3,
        batch_size: int = 128,
        bag: int = 1,
        seed: int = 0,
        threads: int = 1,
    ) -> None:
        self.hidden = hidden
        self.epochs = epochs
        self.dropout = dropout
        self.beta = beta
        self.lr = lr
        self.batch_size = batch_size
        self.bag = bag
        self.seed = seed
        self.threads = threads

    def _fit(self, interactions: Interactions) -> None:
        import torch

        torch.set_num_threads(self.threads)
        x = torch.tensor(interactions.matrix.toarray(), dtype=torch.float32)
        self.nets_ = [self._train(x, self.seed + b) for b in range(max(1, self.bag))]
        self.input_ = x

    def _train(self, x, seed: int):
        import torch
        from torch import nn
        from torch.nn import functional as F

        torch.manual_seed(seed)
        n_users, n_items = x.shape
        enc, dec = nn.Linear(n_items, 2 * self.hidden), nn.Linear(self.hidden, n_items)
        opt = torch.optim.Adam([*enc.parameters(), *dec.parameters()], lr=self.lr)
        gen = torch.Generator().manual_seed(seed)
        active = torch.as_tensor(np.flatnonzero(x.sum(1).numpy() > 0))
        for epoch in range(self.epochs):
            # KL weight annealed linearly to beta over the first half of training (the paper's beta schedule)
            anneal = self.beta * min(1.0, epoch / max(1.0, 0.5 * self.epochs))
            order = active[torch.randperm(len(active), generator=gen)]
            for start in range(0, len(order), self.batch_size):
                batch = x[order[start : start + self.batch_size]]
                h = F.dropout(F.normalize(batch, dim=1), self.dropout, training=True)
                mu, logvar = enc(h).chunk(2, dim=1)
                z = mu + torch.randn_like(mu) * torch.exp(0.5 * logvar)
                nll = -(F.log_softmax(dec(torch.tanh(z)), dim=1) * batch).sum(1).mean()
                kl = (-0.5 * (1 + logvar - mu**2 - logvar.exp()).sum(1)).mean()
                loss = nll + anneal * kl
                opt.zero_grad()
                loss.backward()
                opt.step()
        return enc.eval(), dec.eval()

    def score_rows(self, rows: np.ndarray) -> np.ndarray:
        import torch

        with torch.no_grad():
            h = torch.nn.functional.normalize(self.input_[torch.as_tensor(np.asarray(rows))], dim=1)
            out = None
            for enc, dec in self.nets_:
                mu = enc(h)[:, : self.hidden]  # the mean code at scoring time
                part = torch.log_softmax(dec(torch.tanh(mu)), dim=1)
                out = part if out is None else out + part
            assert out is not None, "fit() trains at least one net"
            return (out / len(self.nets_)).numpy()

    def item_vectors(self) -> np.ndarray:
        return self.nets_[0][1].weight.detach().numpy()
