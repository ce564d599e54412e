// Plain-language explanations, one per panel (keyed by the panel's id in views/panels.tsx): what the
// panel shows, why it matters, and one thing to try. Written for students meeting the paper's idea.

export interface PanelHelpText {
  /** What is on the screen. */
  what: string;
  /** Why it matters: the science behind it. */
  why: string;
  /** One small experiment. */
  tryThis: string;
}

export const PANEL_HELP: Readonly<Record<string, PanelHelpText>> = {
  train: {
    what: 'A neural network that reads 28×28 images of digits (MNIST) or clothes (Fashion-MNIST). It has three hidden layers, '
      + 'but only about 1% of the possible connections ("links") between neurons exist. Training adjusts the strength (weight) '
      + 'of each link; the curves show how often the network is right on 10,000 test images it never trains on.',
    why: 'Brains and efficient computers both work with sparse wiring. The question of the paper is whether a network that '
      + 'may move its few links during training (adaptive, SET or RigL) ends up better and sturdier than one whose links are '
      + 'fixed at random from the start (static) or one that keeps every link (dense).',
    tryThis: 'Pick "Quick demo", train SET, then train static sparse with the same seed and compare their accuracy curves.',
  },
  wiring: {
    what: 'The wiring itself. Each picture is a layer\'s connection matrix: a dot where neuron i (row) sends a link to neuron j '
      + '(column). After every epoch SET removes the weakest 30% of links and grows the same number elsewhere; removed and '
      + 'added links are highlighted, and the timeline replays the changes epoch by epoch.',
    why: 'Rewiring is how the network "chooses" where to spend its small budget of links. Over the epochs links pile up on '
      + 'useful inputs (the pixels in the middle of the image) and leave useless ones (the empty border) — the network '
      + 'discovers the structure of the data without being told.',
    tryThis: 'Order the input layer\'s rows as a pixel grid and play the timeline: watch the border empty out.',
  },
  statistics: {
    what: 'Numbers that summarise the wiring: how many links each neuron has (its degree), how unequal those degrees are '
      + '(the Gini coefficient: 0 = all equal, 1 = one neuron has everything), and a map of how many links each input pixel keeps.',
    why: 'A random network has nearly equal degrees. Adaptive rewiring with weight decay makes them unequal (input Gini '
      + 'from about 0.17 to 0.33 on MNIST): a few important pixels gather many links. That inequality is the fingerprint of '
      + 'a network that has organised itself.',
    tryThis: 'Train SET with weight decay 0.0001, then with 0, and compare the pixel maps.',
  },
  robustness: {
    what: 'Trained networks under attack. The sliders damage a copy of each network — remove a fraction of its links, shuffle '
      + 'the weights among links, or nudge every input pixel by at most ε in the direction that hurts most (FGSM and PGD '
      + 'adversarial attacks) — and the chart shows test accuracy against the damage for adaptive, static and dense networks.',
    why: 'A useful network should degrade gracefully. With weight decay, adaptive SET kept about 63% accuracy with 30% of '
      + 'its links cut in this lab’s measurements, the static network about 58% (the reference reported 70% against 42–57%): '
      + 'a small edge, smaller than what one random draw can change. '
      + 'Random noise of the same ε is drawn beside each attack to show how much worse a deliberate attack is.',
    tryThis: 'Drag "Link removal" to 30% and compare the SET and static curves; then try ε = 0.1 with FGSM.',
  },
  draw: {
    what: 'Draw a digit (or a piece of clothing) with the mouse, a finger or a pen. The drawing is shrunk to 28×28 pixels '
      + 'the way MNIST was prepared, and each trained network says what it sees, with its confidence for every class.',
    why: 'Test sets are tidy; real input is not. Your own drawings show where the networks agree, where they guess, and '
      + 'how a tiny change — or an adversarial nudge too small to see — can flip the answer.',
    tryThis: 'Draw a 7, then add a small crossbar or a smudge and watch which network changes its mind first.',
  },
  experiment: {
    what: 'The paper\'s central experiment in one place: an adaptive (SET) and a static sparse network trained with the '
      + 'same seed and data, first with weight decay and then without, then damaged side by side (the random damage '
      + 'repeated several times to show its spread); optionally, attacked at their hubs beside random failure.',
    why: 'One run can be lucky. Science needs comparisons where only one thing changes and repeats that show the spread; '
      + 'this is how the paper\'s claims were tested, and how you can check them yourself.',
    tryThis: 'Run with weight decay, then without: watch SET\'s pixel map concentrate on the digits only in the first run, '
      + 'and compare the link-removal curves. Then press "Attack the hubs": does SET fall faster than static when its '
      + 'best-connected neurons go first?',
  },
};

/** Other names a panel may go by (the issue calls the wiring panel "topology"). */
const ALIASES: Readonly<Record<string, string>> = { topology: 'wiring', stats: 'statistics', experiments: 'experiment' };

export function helpFor(panelId: string): PanelHelpText | null {
  const id = Object.prototype.hasOwnProperty.call(ALIASES, panelId) ? ALIASES[panelId] : panelId;
  return Object.prototype.hasOwnProperty.call(PANEL_HELP, id) ? PANEL_HELP[id] : null;
}
