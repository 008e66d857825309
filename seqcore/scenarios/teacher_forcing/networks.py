"""Teacher forcing: one set of named layers, and the models built from them by name.

Three layers hold every weight: ``encoder_lstm`` (reads the history, hands over its final state),
``decoder_lstm`` (one forecast step per input value) and ``head`` (a Dense turning the decoder's output into a
value). Every model below is assembled from those three, looked up by name, so they share weights:

- :func:`training_model` — teacher forcing: (history, decoder inputs) → forecast. The decoder input at step t is
  the true value at step t - 1 (the last history value at t = 0): the model never sees its own mistakes.
- :func:`inference_model` — history → forecast, one step at a time, each prediction fed back as the next
  input and the decoder's state carried along: how the model must run when the future is unknown.
- :func:`encoder_model` and :func:`decoder_step_model` — the same two halves for a hand-written loop; fed the
  true previous values they must reproduce :func:`training_model` exactly (the consistency check).
- :func:`unroll` — the decoder loop as plain TensorFlow for the custom training step: at each step a per-window
  coin feeds either the truth or the model's own previous prediction (scheduled sampling; always the truth
  is teacher forcing, never is free running).
- :func:`direct_model` — the direct multi-step remedy, with layers of its own: the same kind of encoder, then one
  Dense layer (``direct_head``) that reads the encoder's final state and outputs all Ty steps at once. No
  decoder, no value fed back: the model trained is the model used, so training and inference cannot differ.

No Lambda layers: everything is a built-in keras layer, so saved models load with ``safe_mode=True``.
"""

from __future__ import annotations

from typing import NamedTuple

import keras

from seqcore.training import LayerSeeds

ENCODER, DECODER, HEAD = "encoder_lstm", "decoder_lstm", "head"
DIRECT_HEAD = "direct_head"


class SharedLayers(NamedTuple):
    encoder: keras.layers.LSTM
    decoder: keras.layers.LSTM
    head: keras.layers.Dense


def build_layers(*, units: int, seed: int) -> SharedLayers:
    """Fresh, seeded layers: the same ``seed`` gives the same initial weights to every variant."""
    seeds = LayerSeeds(seed)
    encoder = keras.layers.LSTM(units, return_state=True, name=ENCODER, **seeds.recurrent())
    decoder = keras.layers.LSTM(units, return_sequences=True, return_state=True, name=DECODER, **seeds.recurrent())
    head = keras.layers.Dense(1, name=HEAD, **seeds.dense())
    return SharedLayers(encoder, decoder, head)


def direct_model(*, units: int, input_length: int, horizon: int, seed: int) -> keras.Model:
    """history (n, Tx, 1) → forecast (n, Ty, 1) in one pass, for training and inference alike.

    The encoder is seeded as :func:`build_layers` seeds its encoder, so it starts from the same weights as the
    other variants' encoders; only the head differs (one Dense of Ty outputs instead of a decoder).
    """
    seeds = LayerSeeds(seed)
    history = keras.Input(shape=(input_length, 1), name="history")
    _, state_h, _ = keras.layers.LSTM(units, return_state=True, name=ENCODER, **seeds.recurrent())(history)
    seeds.recurrent()  # the decoder's seeds in build_layers: the head's initial weights stay comparable
    steps = keras.layers.Dense(horizon, name=DIRECT_HEAD, **seeds.dense())(state_h)
    return keras.Model(history, keras.layers.Reshape((horizon, 1), name="forecast")(steps), name="direct")


def layers_of(model: keras.Model) -> SharedLayers:
    """The three shared layers of any model built here (or loaded from a ``.keras`` file), by name."""
    return SharedLayers(model.get_layer(ENCODER), model.get_layer(DECODER), model.get_layer(HEAD))


def training_model(layers: SharedLayers, *, input_length: int, horizon: int) -> keras.Model:
    """(history (n, Tx, 1), decoder inputs (n, Ty, 1)) → forecast (n, Ty, 1), decoder fed the truth."""
    history = keras.Input(shape=(input_length, 1), name="history")
    decoder_inputs = keras.Input(shape=(horizon, 1), name="decoder_inputs")
    _, state_h, state_c = layers.encoder(history)
    outputs, _, _ = layers.decoder(decoder_inputs, initial_state=[state_h, state_c])
    return keras.Model([history, decoder_inputs], layers.head(outputs), name="training")


def inference_model(layers: SharedLayers, *, input_length: int, horizon: int) -> keras.Model:
    """history (n, Tx, 1) → forecast (n, Ty, 1), each prediction fed back as the next decoder input."""
    history = keras.Input(shape=(input_length, 1), name="history")
    _, state_h, state_c = layers.encoder(history)
    previous = keras.layers.Cropping1D((input_length - 1, 0), name="start_value")(history)  # last value
    steps = []
    for _ in range(horizon):
        output, state_h, state_c = layers.decoder(previous, initial_state=[state_h, state_c])
        previous = layers.head(output)  # (n, 1, 1): this step's prediction is the next step's input
        steps.append(previous)
    forecast = steps[0] if horizon == 1 else keras.layers.Concatenate(axis=1, name="forecast")(steps)
    return keras.Model(history, forecast, name="inference")


def encoder_model(layers: SharedLayers, *, input_length: int) -> keras.Model:
    """history → (h, c): the state the decoder starts from."""
    history = keras.Input(shape=(input_length, 1), name="history")
    _, state_h, state_c = layers.encoder(history)
    return keras.Model(history, [state_h, state_c], name="encoder")


def decoder_step_model(layers: SharedLayers) -> keras.Model:
    """(previous value (n, 1, 1), h, c) → (prediction (n, 1, 1), h, c): one decoder step, state in and out."""
    units = layers.decoder.units
    previous = keras.Input(shape=(1, 1), name="previous")
    state_h = keras.Input(shape=(units,), name="state_h")
    state_c = keras.Input(shape=(units,), name="state_c")
    output, new_h, new_c = layers.decoder(previous, initial_state=[state_h, state_c])
    return keras.Model([previous, state_h, state_c], [layers.head(output), new_h, new_c], name="decoder_step")


def unroll(layers: SharedLayers, history, decoder_inputs, use_truth):
    """The decoder loop in TensorFlow, for the custom training step.

    ``use_truth``: boolean (n, Ty); at step t > 0 a window is fed its true previous value where it is True and
    its own previous prediction where it is False (step 0 always gets the start value). The loop is a
    ``tf.while_loop``, so the traced graph stays small whatever the horizon. Gradients flow through fed-back
    predictions, so free running learns from the errors it feeds itself. Returns the forecast, (n, Ty, 1).
    """
    import tensorflow as tf

    horizon = decoder_inputs.shape[1]
    _, state_h, state_c = layers.encoder(history)
    truth_inputs = tf.transpose(decoder_inputs, [1, 0, 2])  # (Ty, n, 1): one slice per step
    feed_truth = tf.transpose(use_truth)  # (Ty, n)
    forecast = tf.TensorArray(decoder_inputs.dtype, size=horizon)

    def one_step(step, previous, state_h, state_c, forecast):
        fed = tf.where(tf.logical_or(step == 0, feed_truth[step])[:, None], truth_inputs[step], previous)
        output, (state_h, state_c) = layers.decoder.cell(fed, [state_h, state_c])
        prediction = layers.head(output)
        return step + 1, prediction, state_h, state_c, forecast.write(step, prediction)

    start = (tf.constant(0), tf.zeros_like(truth_inputs[0]), state_h, state_c, forecast)
    *_, forecast = tf.while_loop(lambda step, *_: step < horizon, one_step, start)
    return tf.transpose(forecast.stack(), [1, 0, 2])
