"""Event timing: the two networks a run can train (TensorFlow).

* ``bilstm`` — the seed's network: a bidirectional LSTM over the history, one linear output per future step. It
  reads the whole window at once, so it needs as many history steps as future ones.
* ``seq2seq_gru`` — the DILATE paper's network (its official ``models/seq2seq.py``): a GRU encoder reads the
  history; a GRU decoder, started from the encoder's last state and fed the last observed value, predicts one
  step at a time through a 16-unit ReLU layer and a linear output, and is fed its own prediction back — in
  training and in use alike (no teacher forcing, so no train/inference asymmetry).
"""

from __future__ import annotations

import keras

from seqcore.layers import FeedbackDecoder
from seqcore.training import LayerSeeds


def bilstm(*, units: int, steps: int, seed: int) -> keras.Model:
    """The seed's network: a bidirectional LSTM over the history, then one linear output per future step."""
    seeds = LayerSeeds(seed)
    history = keras.Input(shape=(steps, 1), name="history")
    hidden = keras.layers.Bidirectional(
        keras.layers.LSTM(units, return_sequences=True, **seeds.recurrent()),
        backward_layer=keras.layers.LSTM(units, return_sequences=True, go_backwards=True, **seeds.recurrent()),
        name="bilstm",
    )(history)
    future = keras.layers.Dense(1, name="head", **seeds.dense())(hidden)
    return keras.Model(history, future, name="event_timing")


def seq2seq_gru(*, units: int, history_steps: int, future_steps: int, seed: int) -> keras.Model:
    """The DILATE paper's encoder–decoder (one GRU layer each, ``units`` wide, decoder head of 16 ReLU units)."""
    seeds = LayerSeeds(seed)
    history = keras.Input(shape=(history_steps, 1), name="history")
    _, state = keras.layers.GRU(units, return_state=True, unroll=True, name="encoder", **seeds.recurrent())(history)
    decoder_seed = seed * 1000 + 500  # its own range inside this model's LayerSeeds stream (which starts at seed·1000)
    future = FeedbackDecoder(units, future_steps, seed=decoder_seed, name="decoder")([history, state])
    return keras.Model(history, future, name="event_timing_seq2seq")
